"""Checks that could not finish: a late read makes its check "could not run", never a fault."""

from __future__ import annotations

from pathlib import Path

from tests.diagnosis.test_diagnose import run_recording
from wiresleuth.analysis.answer_on_wire import TOO_BUSY, LateRead
from wiresleuth.diagnosis.check_failures import check_failed, read_too_late
from wiresleuth.diagnosis.diagnose import Diagnosis, diagnose
from wiresleuth.model.check_status import Status
from wiresleuth.model.engine_observations import ENGINE, CheckPlan, EngineObservations, Stall
from wiresleuth.model.finding import Severity
from wiresleuth.sources.bundle_file import reanalyse

SAMPLES = Path(__file__).parents[1] / "analysis" / "samples"


def late(target: str, exchange: str, packet: int) -> LateRead:
    return LateRead(
        target=target, exchange=exchange, waited=7.0, arrived_after=0.2, packets=(packet,)
    )


def one_check_run(
    check: CheckPlan,
    observations: object,
    stalls: tuple[Stall, ...],
    targets: dict[str, str] | None = None,
) -> Diagnosis:
    """What ``diagnose`` concludes from a run of one check (its wizard's ``observations``)
    during which the program was stopped for ``stalls``; the target www.lab.test:443."""
    engine = EngineObservations(
        targets={"www.lab.test:443": "www.lab.test"} if targets is None else targets,
        checks=(check,),
        stall_interval=0.05,
        stalls=stalls,
    )
    observed = {ENGINE: engine, check.wizard: observations}
    return diagnose(run_recording(engine, observations=observed))


def test_one_unfinished_check_per_target_with_every_exchange_read_late() -> None:
    found = read_too_late(
        [late("a:443", "The handshake with 1", 5), late("a:443", "The handshake with 2", 9),
         late("b:443", "The handshake with 3", 12)],
        "the TLS handshake",
    )  # fmt: skip
    assert [(u.target, u.error, u.packets) for u in found] == [
        ("a:443", TOO_BUSY, (5, 9)),
        ("b:443", TOO_BUSY, (12,)),
    ]
    assert "with 1" in found[0].detail and "with 2" in found[0].detail
    finding = check_failed(found[0], "tls")
    assert finding.id == "probe.failed" and finding.target == "a:443"
    assert finding.packets == (5, 9) and finding.values["error"] == TOO_BUSY


def test_a_stalled_run_says_its_checks_could_not_run_and_concludes_no_fault() -> None:
    """corp-proxy-os recorded while the program was stopped for 7 s (its rules of the day
    concluded tls.no_server_hello and path.direct_blocked): every answer came in time."""
    done = reanalyse(SAMPLES / "stall" / "corp-proxy-os-stalled.wsbundle")
    recorded = {(f.id, f.target) for f in done.recorded}
    assert {
        ("tls.no_server_hello", "www.lab.test:443"),
        ("path.direct_blocked", "www.lab.test:80"),
    } <= recorded
    trouble = [f for f in done.findings if f.severity is not Severity.INFO]
    assert sorted((f.id, f.wizard, f.target) for f in trouble) == [
        ("probe.failed", "proxy", "www.lab.test:80"),
        ("probe.failed", "tls", "www.lab.test:443"),
    ]
    assert all(f.packets for f in trouble)  # the frame that carried the answer
    rows = {(c.check, c.target): c for c in done.diagnosis.checks}
    for key in (("tls", "www.lab.test:443"), ("proxy", "www.lab.test:80")):
        assert (rows[key].status, rows[key].reason) == (Status.COULD_NOT_RUN, TOO_BUSY)
    assert rows[("proxy", "www.lab.test:443")].status is not Status.PROBLEM


def test_a_handshake_stopped_with_the_program_makes_the_tls_check_could_not_run() -> None:
    """The run's stalls reach the TLS rules (``run_stops``): a handshake that timed out as the
    program woke from a stop is no tls.no_server_hello; its check could not run."""
    from tests.analysis.test_tls_wizard_findings import T0, attempt, observations

    tls = observations(attempt("default", 40001, "timeout"), attempt("small-mss", 40002, "timeout"))
    stall = Stall(started_at=T0 + 0.5, ended_at=T0 + 5, monotonic_start=0.5, monotonic_end=5.0)
    for stalls, expected in (((), "tls.no_server_hello"), ((stall,), "probe.failed")):
        done = one_check_run(CheckPlan(wizard="tls", title="TLS handshake"), tls, stalls)
        assert [f.id for f in done.findings if f.target] == [expected]
        row = next(c for c in done.checks if c.check == "tls" and c.target)
        assert row.status is (Status.COULD_NOT_RUN if stalls else Status.PROBLEM)
        if stalls:
            assert row.reason == TOO_BUSY


def test_a_direct_connect_stopped_with_the_program_is_withheld_and_listed() -> None:
    """The run's stalls reach the proxy-path rules: a direct connect that timed out as the
    program woke from a stop is no path.direct_blocked; the check could not run there, and
    probe.program_stopped names the connect among what was withheld."""
    from dataclasses import replace

    from tests.analysis.test_proxy_path_findings import T0, failed_connect, proxied
    from wiresleuth.model.proxy_observations import ProxyWizardObservations

    direct = replace(failed_connect("100.64.1.10", 443), ended_at=T0 + 5)
    proxy = ProxyWizardObservations(targets=(proxied("www.lab.test:443", direct=direct),))
    stall = Stall(started_at=T0 + 0.5, ended_at=T0 + 5, monotonic_start=0.5, monotonic_end=5.0)
    for stalls in ((), (stall,)):
        done = one_check_run(CheckPlan(wizard="proxy", title="Proxy path"), proxy, stalls)
        found = sorted(f.id for f in done.findings if f.id != "capture.unavailable")
        row = next(c for c in done.checks if c.check == "proxy" and c.target)
        if not stalls:
            assert found == ["path.direct_blocked"] and row.status is Status.PROBLEM
            continue
        assert found == ["probe.failed", "probe.program_stopped"]
        assert (row.status, row.reason) == (Status.COULD_NOT_RUN, TOO_BUSY)
        [stopped] = [f for f in done.findings if f.id == "probe.program_stopped"]
        assert stopped.values["withheld"] == [
            "the direct connect to www.lab.test:443 (100.64.1.10:443)"
        ]
        [failed] = [f for f in done.findings if f.id == "probe.failed"]
        assert "stopped the program while it waited" in failed.title


def test_a_pac_fetch_stopped_with_the_program_makes_the_pac_check_could_not_run() -> None:
    from tests.analysis.pac_obs import exchange, pac_obs

    fetch = exchange("connect_timeout", rtt=None, took=3.0)
    start = fetch.connect.started_at
    stall = Stall(
        started_at=start + 1, ended_at=fetch.ended_at, monotonic_start=1.0, monotonic_end=3.0
    )
    check = CheckPlan(wizard="pac", title="PAC", per_target=False)
    for stalls in ((), (stall,)):
        done = one_check_run(check, pac_obs(fetch=fetch), stalls, targets={})
        found = sorted(f.id for f in done.findings if f.id != "capture.unavailable")
        row = next(c for c in done.checks if c.check == "pac")
        if not stalls:
            assert found == ["pac.fetch_hangs"] and row.status is Status.PROBLEM
            continue
        assert found == ["probe.failed", "probe.program_stopped"]
        assert (row.status, row.reason) == (Status.COULD_NOT_RUN, TOO_BUSY)
        [stopped] = [f for f in done.findings if f.id == "probe.program_stopped"]
        assert stopped.values["withheld"] == [
            "the PAC fetch's connect (http://pac.lab.test/proxy.pac)"
        ]
