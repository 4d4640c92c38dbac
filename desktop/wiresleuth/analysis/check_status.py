"""Every check's status for every target, from what the engine knows and what was found.

Pure. A check that could not run says so (cancelled, failed, out of time); one that left a
target out on purpose says why (the wizard declares it); one that ran is a problem when it
found a problem or a warning about that target, else it passed. Findings about the run
itself (``probe.failed``: a part that could not finish, an answer this computer read too
late) make their check "could not run", never a problem; what it did find about the same
target still makes it a problem.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from wiresleuth.model.catalogue import CATALOGUE
from wiresleuth.model.check_status import AddressStatus, CheckStatus, Status
from wiresleuth.model.finding import Finding, Severity
from wiresleuth.model.observations import ResolveObservation
from wiresleuth.model.run import CaptureInfo

_FAILED = "probe.failed"


@dataclass(frozen=True, kw_only=True)
class CheckRun:
    """What the engine knows about one check once the run is over."""

    id: str
    """Wizard ID."""
    title: str
    """Wizard title."""
    per_target: bool = True
    """Whether the check has a status per target (else one for the check as a whole)."""
    not_tested: Mapping[str, str] = field(default_factory=dict)
    """``host:port`` (or "" for the check as a whole) -> why it was not tested."""
    could_not_run: str | None = None
    """Why the check as a whole could not run (cancelled, an error, the run budget)."""
    passed_detail: Mapping[str, str] = field(default_factory=dict)
    """``host:port`` (or "") -> what a pass is worth saying (the route taken)."""
    addresses: Mapping[str, tuple[AddressStatus, ...]] = field(default_factory=dict)
    """``host:port`` -> the check's status on each address of its name (when it tested
    more than one); shown under the target's row whatever the target's status."""


def _wizards(finding: Finding) -> set[str]:
    """The checks a finding belongs to (merged findings name several, joined by "+")."""
    if finding.id == _FAILED:
        named = finding.values.get("wizard")
        if isinstance(named, str) and named:
            return {named}
    return set(finding.wizard.split("+"))


def _status(
    run: CheckRun, target: str | None, findings: Sequence[Finding], key: str
) -> CheckStatus:
    ids = tuple(dict.fromkeys(f.id for f in findings))

    def made(status: Status, reason: str) -> CheckStatus:
        return CheckStatus(
            check=run.id, title=run.title, target=target, status=status, reason=reason,
            findings=ids, addresses=run.addresses.get(key, ()) if status is not Status.NOT_TESTED else (),
        )  # fmt: skip

    if run.could_not_run is not None:
        return made(Status.COULD_NOT_RUN, run.could_not_run)
    trouble = [f for f in findings if f.severity is not Severity.INFO and not _about_run(f)]
    if trouble:  # found although part of it could not finish (one address of several)
        return made(Status.PROBLEM, max(trouble, key=lambda f: f.severity.weight).title)
    failed = [f for f in findings if f.id == _FAILED]
    if failed:
        return made(Status.COULD_NOT_RUN, str(failed[0].values.get("error") or failed[0].title))
    if key in run.not_tested:
        return made(Status.NOT_TESTED, run.not_tested[key])
    return made(Status.PASSED, run.passed_detail.get(key, ""))


def _about_run(finding: Finding) -> bool:
    spec = CATALOGUE.get(finding.id)
    return spec is not None and spec.about_the_run


def check_statuses(
    runs: Iterable[CheckRun], targets: Sequence[str], findings: Sequence[Finding]
) -> tuple[CheckStatus, ...]:
    """One status per check and target (per-target checks), or per check (the others).

    A per-target check gets a row for the check as a whole too when something concerns it
    as a whole: a finding without target, or a reason it was not tested at all.
    """
    rows: list[CheckStatus] = []
    for run in runs:
        mine = [f for f in findings if run.id in _wizards(f)]
        if not run.per_target:
            rows.append(_status(run, None, mine, ""))
            continue
        whole = [f for f in mine if f.target is None]
        if not targets:
            no_site = replace(run, not_tested={"": "no site was given to test"})
            rows.append(_status(no_site, None, whole, ""))
            continue
        if whole or "" in run.not_tested:
            rows.append(_status(run, None, whole, ""))
        for target in targets:
            about = [f for f in mine if f.target == target]
            rows.append(_status(run, target, about, target))
    return tuple(rows)


LOOKUP_TITLE = "Name lookup (DNS)"
"""The engine's own check of each target's name."""
CAPTURE_TITLE = "Packet capture"
"""The engine's capture of the program's own traffic."""


def lookup_statuses(
    targets: Sequence[tuple[str, str]],
    resolved: Mapping[str, ResolveObservation],
    findings: Sequence[Finding],
) -> tuple[CheckStatus, ...]:
    """The name lookup of each target (``(host:port, host)`` pairs): passed with the address,
    or a problem with the resolver's error and the finding that explains it; could not run
    when its wait ended while this program was stopped (a ``probe.failed`` of ``lookup``)."""
    rows = []
    for key, host in targets:
        found = resolved.get(host)
        about = tuple(
            dict.fromkeys(
                f.id
                for f in findings
                if (f.id == "dns.resolution_failed" and f.target in (host, key))
                or f.id == "net.no_connectivity"
            )
        )
        if found is not None and found.addresses:
            shown = ", ".join(found.addresses[:3]) + (" …" if len(found.addresses) > 3 else "")
            rows.append(
                CheckStatus(
                    check="lookup",
                    title=LOOKUP_TITLE,
                    target=key,
                    status=Status.PASSED,
                    reason=shown,
                )
            )
            continue
        why = (found.error if found is not None else None) or "no address"
        stopped = [
            f
            for f in findings
            if f.id == _FAILED and f.values.get("wizard") == "lookup" and f.target == key
        ]
        if stopped:  # its wait ended while this program was stopped: it proves nothing
            rows.append(
                CheckStatus(
                    check="lookup", title=LOOKUP_TITLE, target=key,
                    status=Status.COULD_NOT_RUN,
                    reason=str(stopped[0].values.get("error") or stopped[0].title),
                    findings=(_FAILED, *about),
                )
            )  # fmt: skip
            continue
        rows.append(
            CheckStatus(
                check="lookup",
                title=LOOKUP_TITLE,
                target=key,
                status=Status.PROBLEM,
                reason=f"the name could not be looked up: {why}",
                findings=about,
            )
        )
    return tuple(rows)


def capture_status(capture: CaptureInfo, *, wanted: bool) -> CheckStatus:
    """Whether the run captured its own packets, and if not, why."""
    if capture.available:
        return CheckStatus(
            check="capture", title=CAPTURE_TITLE, target=None, status=Status.PASSED,
            reason=f"{capture.packets} packets",
        )  # fmt: skip
    reason = capture.reason or "no reason was recorded"
    return CheckStatus(
        check="capture", title=CAPTURE_TITLE, target=None,
        status=Status.COULD_NOT_RUN if wanted else Status.NOT_TESTED, reason=reason,
        findings=("capture.unavailable",) if wanted else (),
    )  # fmt: skip
