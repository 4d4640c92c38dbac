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


def test_a_pac_script_timed_out_with_the_program_stopped_makes_the_check_could_not_run() -> None:
    from dataclasses import replace

    from tests.analysis.pac_obs import T0, evaluation, exchange, pac_obs
    from tests.diagnosis.test_diagnose import run_recording
    from tests.probes.pac_servers import http_reply
    from wiresleuth.diagnosis.diagnose import diagnose
    from wiresleuth.model.engine_observations import (
        ENGINE,
        CheckPlan,
        EngineObservations,
        Stall,
    )

    script = b"function FindProxyForURL(u, h) { return 'DIRECT'; }"
    ev = replace(evaluation("timeout", error="still running after 3 s: stopped"),
                 started_at=T0 + 1, ended_at=T0 + 4, cpu_seconds=0.01)  # fmt: skip
    pac = pac_obs(fetch=exchange("answered", data=http_reply("200 OK", script)), evaluation=ev)
    # the program stopped from 1 s into the limit until its deadline: the child with it
    stall = Stall(started_at=T0 + 2, ended_at=T0 + 4, monotonic_start=2.0, monotonic_end=4.0)
    for stalls in ((), (stall,)):
        engine = EngineObservations(
            targets={},
            checks=(CheckPlan(wizard="pac", title="PAC", per_target=False),),
            stall_interval=0.05,
            stalls=stalls,
        )
        done = diagnose(run_recording(engine, observations={ENGINE: engine, "pac": pac}))
        found = sorted(f.id for f in done.findings if f.id != "capture.unavailable")
        row = next(c for c in done.checks if c.check == "pac")
        if not stalls:
            assert found == ["pac.evaluation_timeout"] and row.status is Status.PROBLEM
            continue
        assert found == ["probe.failed", "probe.program_stopped"]
        assert (row.status, row.reason) == (Status.COULD_NOT_RUN, TOO_BUSY)
        [stopped] = [f for f in done.findings if f.id == "probe.program_stopped"]
        assert stopped.values["withheld"] == ["the PAC script's evaluation (limit 3 s)"]


def _diagnosed_with_and_without(
    wizard: str, observed: object, stall_at: tuple[float, float], *, per_target: bool = False
) -> tuple[object, object]:
    """The diagnosis of ``observed`` (``wizard``'s observations) without stalls, then with
    one stop of the program from ``stall_at[0]`` to ``stall_at[1]``."""
    from tests.diagnosis.test_diagnose import run_recording
    from wiresleuth.diagnosis.diagnose import diagnose
    from wiresleuth.model.engine_observations import (
        ENGINE,
        CheckPlan,
        EngineObservations,
        Stall,
    )

    start, end = stall_at
    stall = Stall(started_at=start, ended_at=end, monotonic_start=start, monotonic_end=end)
    done = []
    for stalls in ((), (stall,)):
        engine = EngineObservations(
            targets={},
            checks=(CheckPlan(wizard=wizard, title=wizard, per_target=per_target),),
            stall_interval=0.05,
            stalls=stalls,
        )
        done.append(
            diagnose(run_recording(engine, observations={ENGINE: engine, wizard: observed}))
        )
    return done[0], done[1]


def _withheld(done: object) -> list[str]:
    from wiresleuth.diagnosis.diagnose import Diagnosis

    assert isinstance(done, Diagnosis)
    [stopped] = [f for f in done.findings if f.id == "probe.program_stopped"]
    return [str(w) for w in stopped.values["withheld"]]  # type: ignore[union-attr]


def test_a_hop_located_past_a_stopped_silence_makes_the_hop_locator_could_not_run() -> None:
    from tests.analysis.test_hop_findings import silence_then_answer
    from wiresleuth.diagnosis.diagnose import Diagnosis

    calm, stopped = _diagnosed_with_and_without("hops", silence_then_answer(), (1003.0, 1006.0))
    assert isinstance(calm, Diagnosis) and isinstance(stopped, Diagnosis)
    assert not [f for f in calm.findings if f.id.startswith("probe.")]
    assert next(c for c in calm.checks if c.check == "hops").status is Status.PASSED
    row = next(c for c in stopped.checks if c.check == "hops")
    assert (row.status, row.reason) == (Status.COULD_NOT_RUN, TOO_BUSY)
    assert _withheld(stopped) == [
        "the hop locator's ICMP echo with TTL 2 to 100.64.1.10",
        "the hop locator's SYN with TTL 2 to 100.64.1.10",
    ]


def test_a_request_stamped_in_a_stop_makes_the_hold_check_could_not_run() -> None:
    from tests.analysis.test_hold_findings import T0, request
    from wiresleuth.diagnosis.diagnose import Diagnosis
    from wiresleuth.model.hold_observations import HoldWizardObservations

    obs = HoldWizardObservations(requests=(request(50400, sent=T0 + 0.5, left=T0 + 3.52),))
    calm, stopped = _diagnosed_with_and_without("hold", obs, (T0 + 0.49, T0 + 3.5))
    assert isinstance(calm, Diagnosis) and isinstance(stopped, Diagnosis)
    assert [f.id for f in calm.findings if f.id != "capture.unavailable"] == [
        "local.request_held"
    ]
    found = sorted(f.id for f in stopped.findings if f.id != "capture.unavailable")
    assert found == ["probe.failed", "probe.program_stopped"]
    row = next(c for c in stopped.checks if c.check == "hold")
    assert (row.status, row.reason) == (Status.COULD_NOT_RUN, TOO_BUSY)
    assert _withheld(stopped) == ["the http request to news.example:443 (round 1)"]


def test_a_path_proof_marker_stopped_with_the_program_is_withheld_and_listed() -> None:
    from dataclasses import replace

    from tests.analysis.test_proxy_path_findings import PROXY, PROXY_IP, T0, marker
    from wiresleuth.diagnosis.diagnose import Diagnosis
    from wiresleuth.model.proxy_observations import ProxyWizardObservations

    no_ack = replace(
        marker("DIRECT", "no_ack"), sent_at=T0 + 0.01, ended_at=T0 + 3.01,
        error="no acknowledgement within 3 s",
    )  # fmt: skip
    obs = ProxyWizardObservations(markers=(no_ack, marker(f"PROXY {PROXY}", "delivered", PROXY_IP)))
    calm, stopped = _diagnosed_with_and_without("proxy", obs, (T0 + 0.5, T0 + 3.0), per_target=True)
    assert isinstance(calm, Diagnosis) and isinstance(stopped, Diagnosis)
    assert "pathproof.not_delivered" in {f.id for f in calm.findings}
    found = sorted(f.id for f in stopped.findings if f.id != "capture.unavailable")
    assert found == ["pathproof.delivered", "probe.failed", "probe.program_stopped"]
    assert _withheld(stopped) == [
        "the path proof's marker directly to app.example:9400: its wait for the acknowledgement"
    ]
