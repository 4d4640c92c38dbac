"""Every check has a status per target; "not tested" and "could not run" never read as a pass."""

from __future__ import annotations

from wiresleuth.analysis.check_status import (
    CheckRun,
    capture_status,
    check_statuses,
    lookup_statuses,
)
from wiresleuth.model.check_status import Status
from wiresleuth.model.finding import Finding, Severity
from wiresleuth.model.observations import ResolveObservation
from wiresleuth.model.run import CaptureInfo

A, B = "a.example:443", "b.example:80"


def _f(fid: str, severity: Severity, by: str, target: str | None = A, **values: str) -> Finding:
    return Finding(
        id=fid, severity=severity, title=f"{fid} title", user_text="u", engineer_text="e",
        wizard=by, target=target, values=values,
    )  # fmt: skip


def _by_key(rows: tuple[object, ...]) -> dict[tuple[str, str | None], object]:
    return {(r.check, r.target): r for r in rows}  # type: ignore[attr-defined]


def test_passed_problem_and_not_tested_per_target() -> None:
    runs = [
        CheckRun(id="tls", title="TLS", not_tested={B: "not an HTTPS site"}),
        CheckRun(id="proxy", title="Proxy", not_tested={A: "no proxy is known"}),
    ]
    findings = [
        _f("tls.reset_after_client_hello", Severity.PROBLEM, "tls"),
        _f("mtu.path_mtu", Severity.INFO, "tls+mtu", target=B),
    ]
    rows = _by_key(check_statuses(runs, [A, B], findings))
    assert rows[("tls", A)].status is Status.PROBLEM
    assert rows[("tls", A)].reason == "tls.reset_after_client_hello title"
    assert rows[("tls", A)].findings == ("tls.reset_after_client_hello",)
    assert rows[("tls", B)].status is Status.NOT_TESTED
    assert rows[("tls", B)].shown == "not tested (not an HTTPS site)"
    assert rows[("proxy", A)].status is Status.NOT_TESTED
    assert rows[("proxy", B)].status is Status.PASSED
    assert ("tls", None) not in rows


def test_a_warning_is_a_problem_and_information_is_a_pass() -> None:
    runs = [CheckRun(id="tls", title="TLS", passed_detail={B: "route: direct"})]
    findings = [
        _f("tls.certificate_intercepted", Severity.WARNING, "tls"),
        _f("tls.whatever", Severity.INFO, "tls", target=B),
    ]
    rows = _by_key(check_statuses(runs, [A, B], findings))
    assert rows[("tls", A)].status is Status.PROBLEM
    assert rows[("tls", B)].status is Status.PASSED
    assert rows[("tls", B)].shown == "passed: route: direct"
    assert rows[("tls", B)].findings == ("tls.whatever",)


def test_a_check_that_could_not_run_says_why_for_every_target() -> None:
    runs = [CheckRun(id="mtu", title="MTU", could_not_run="the run was cancelled")]
    rows = check_statuses(runs, [A, B], [])
    assert [r.status for r in rows] == [Status.COULD_NOT_RUN, Status.COULD_NOT_RUN]
    assert {r.reason for r in rows} == {"the run was cancelled"}


def test_a_failed_probe_is_could_not_run_not_a_problem() -> None:
    runs = [CheckRun(id="listeners", title="Listeners", per_target=False)]
    failed = _f("probe.failed", Severity.WARNING, "listeners", target=None, error="no socket table")
    (row,) = check_statuses(runs, [A], [failed])
    assert (row.target, row.status, row.reason) == (None, Status.COULD_NOT_RUN, "no socket table")


def test_a_fault_found_beside_a_part_that_could_not_run_is_a_problem() -> None:
    """One address of a name answered too late to be read (could not run), another reset:
    the reset was found, so the target's status says so."""
    runs = [CheckRun(id="tls", title="TLS")]
    late = _f("probe.failed", Severity.WARNING, "tls", target=A, error="too busy")
    reset = _f("tls.reset_after_client_hello", Severity.PROBLEM, "tls", target=A)
    rows = _by_key(check_statuses(runs, [A, B], [late, reset]))
    assert rows[("tls", A)].status is Status.PROBLEM
    assert rows[("tls", A)].findings == ("probe.failed", "tls.reset_after_client_hello")
    (alone,) = check_statuses([CheckRun(id="tls", title="TLS")], [A], [late])
    assert (alone.status, alone.reason) == (Status.COULD_NOT_RUN, "too busy")


def test_an_engine_finding_about_a_wizard_belongs_to_that_wizard() -> None:
    runs = [CheckRun(id="hold", title="Hold", per_target=False)]
    failed = _f("probe.failed", Severity.WARNING, "engine", target=None, wizard="hold", error="x")
    (row,) = check_statuses(runs, [A], [failed])
    assert row.status is Status.COULD_NOT_RUN


def test_a_whole_check_row_appears_when_something_concerns_the_whole_check() -> None:
    runs = [CheckRun(id="tls", title="TLS")]
    vendor = _f("net.gateway_vendor", Severity.INFO, "tls", target=None)
    rows = _by_key(check_statuses(runs, [A], [vendor]))
    assert rows[("tls", None)].status is Status.PASSED
    assert rows[("tls", A)].status is Status.PASSED


def test_a_check_of_the_computer_has_one_status() -> None:
    runs = [CheckRun(id="pac", title="PAC", per_target=False, not_tested={"": "no PAC is in use"})]
    (row,) = check_statuses(runs, [A, B], [_f("pac.not_configured", Severity.INFO, "pac", None)])
    assert row.status is Status.NOT_TESTED and row.reason == "no PAC is in use"


def test_a_per_target_check_without_targets_says_so() -> None:
    (row,) = check_statuses([CheckRun(id="tls", title="TLS")], [], [])
    assert row.status is Status.NOT_TESTED and row.reason == "no site was given to test"


def test_name_lookups() -> None:
    resolved = {
        "a.example": ResolveObservation(
            host="a.example", addresses=("198.18.0.1", "198.18.0.2", "198.18.0.3", "198.18.0.4"),
            started_at=0.0, elapsed=0.01,
        ),
        "b.example": ResolveObservation(
            host="b.example", addresses=(), started_at=0.0, elapsed=0.01, error="NXDOMAIN"
        ),
    }  # fmt: skip
    missing = _f("dns.resolution_failed", Severity.PROBLEM, "engine", target="b.example")
    ok, failed = lookup_statuses([(A, "a.example"), (B, "b.example")], resolved, [missing])
    assert ok.status is Status.PASSED and ok.reason == "198.18.0.1, 198.18.0.2, 198.18.0.3 …"
    assert failed.status is Status.PROBLEM
    assert failed.reason == "the name could not be looked up: NXDOMAIN"
    assert failed.findings == ("dns.resolution_failed",)


def test_capture() -> None:
    assert capture_status(CaptureInfo(available=True, packets=12), wanted=True).shown == (
        "passed: 12 packets"
    )
    denied = capture_status(CaptureInfo(available=False, reason="no permission"), wanted=True)
    assert denied.shown == "could not run (no permission)"
    off = CaptureInfo(available=False, reason="capture was switched off for this run")
    assert capture_status(off, wanted=False).status is Status.NOT_TESTED
