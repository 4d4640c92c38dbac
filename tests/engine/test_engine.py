import asyncio
import contextlib
import os
import stat
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import trustme

from tests.probes.loopback_servers import LoopbackServer, reset_after, tls_ok
from wiresleuth.engine import Engine, discard_scratch
from wiresleuth.engine.critical_path import path_text
from wiresleuth.model.check_status import Status
from wiresleuth.model.events import ProgressEvent
from wiresleuth.model.plan import FlowSpec
from wiresleuth.model.target import Target
from wiresleuth.profile.model import Budgets, Profile
from wiresleuth.wizards.base import Progress, Wait, Wizard, WizardInput
from wiresleuth.wizards.tls_handshake import TlsHandshakeWizard


class WaitsForever(Wizard):
    """A wizard whose probe never answers: the engine's deadline must end it."""

    id = "waits"
    observation_type = dict
    title = "Never finishes"
    description = "Waits on an event nobody sets."

    def flows(self, given: WizardInput) -> list[FlowSpec]:
        return []

    def steps(self, given: WizardInput) -> int:
        return 1

    async def run(self, given: WizardInput, progress: Progress) -> Any:
        await asyncio.Event().wait()


class Breaks(WaitsForever):
    id = "breaks"
    title = "Breaks"

    async def run(self, given: WizardInput, progress: Progress) -> Any:
        raise OSError("device on fire")


def profile(*targets: str, run: float = 20.0) -> Profile:
    return Profile(
        targets=tuple(Target.parse(t) for t in targets),
        budgets=Budgets(run=run, connect=1.0, tls_handshake=2.0, icmp=0.3),
    )


def test_a_real_run_finds_the_reset_and_keeps_the_healthy_target(ca: trustme.CA) -> None:
    events: list[ProgressEvent] = []
    with LoopbackServer(tls_ok(ca)) as good, LoopbackServer(reset_after(0.4)) as bad:
        engine = Engine(
            profile(f"localhost:{good.port}", f"localhost:{bad.port}"),
            [TlsHandshakeWizard()],
            capture=False,
            on_event=events.append,
        )
        result = engine.run()
    ids = [(f.id, f.target) for f in result.findings]
    assert ("tls.reset_after_client_hello", f"localhost:{bad.port}") in ids
    assert not any(t == f"localhost:{good.port}" for _, t in ids)
    assert ("capture.unavailable", None) in ids
    reset = next(f for f in result.findings if f.id == "tls.reset_after_client_hello")
    assert 0.35 < reset.values["seconds"] < 0.9
    assert result.findings[0].severity.value == "problem"  # ordered by severity
    kinds = [e.kind for e in events]
    assert kinds[0] == "run-started" and kinds[-1] == "run-finished"
    steps = [e for e in events if e.kind == "step"]
    assert steps[-1].done == steps[-1].total
    assert "tls" in result.observations
    assert any("localhost" in line for line in result.log)


def test_a_wizard_past_the_run_budget_becomes_a_finding() -> None:
    began = time.monotonic()
    result = Engine(profile(run=0.5), [WaitsForever()], capture=False).run()
    assert time.monotonic() - began < 5
    failed = [f for f in result.findings if f.id == "probe.failed"]
    assert failed and "run budget" in failed[0].engineer_text
    assert not result.cancelled
    (status,) = [s for s in result.checks if s.check == WaitsForever.id]
    assert status.status is Status.COULD_NOT_RUN and "run budget" in status.reason


def test_a_failing_wizard_does_not_lose_the_others(ca: trustme.CA) -> None:
    with LoopbackServer(tls_ok(ca)) as good:
        result = Engine(
            profile(f"localhost:{good.port}"), [Breaks(), TlsHandshakeWizard()], capture=False
        ).run()
    failed = [f for f in result.findings if f.id == "probe.failed"]
    assert len(failed) == 1 and "device on fire" in failed[0].engineer_text
    assert "tls" in result.observations and "breaks" not in result.observations
    statuses = {(s.check, s.target): s for s in result.checks}
    assert statuses[("breaks", f"localhost:{good.port}")].status is Status.COULD_NOT_RUN
    assert "device on fire" in statuses[("breaks", f"localhost:{good.port}")].reason
    assert statuses[("tls", f"localhost:{good.port}")].status is Status.PASSED
    assert statuses[("lookup", f"localhost:{good.port}")].status is Status.PASSED
    assert statuses[("capture", None)].status is Status.NOT_TESTED


def test_cancel_returns_within_a_second() -> None:
    engine = Engine(profile(run=60), [WaitsForever()], capture=False)
    box: list[Any] = []
    worker = threading.Thread(target=lambda: box.append(engine.run()), daemon=True)
    worker.start()
    time.sleep(0.5)
    asked = time.monotonic()
    engine.cancel()
    worker.join(5)
    assert not worker.is_alive()
    assert time.monotonic() - asked < 1.0
    assert box[0].cancelled
    _stopped_by_the_cancel(box[0])


def _stopped_by_the_cancel(result: Any) -> None:
    """A cancelled check is "could not run (cancelled)" in its status, not a warning finding."""
    assert not any(f.id == "probe.failed" for f in result.findings)
    (status,) = [s for s in result.checks if s.check not in ("lookup", "capture")]
    assert status.status is Status.COULD_NOT_RUN and "cancelled" in status.reason


class SwallowsOneCancel(WaitsForever):
    """Loses one cancellation, as ``asyncio.wait_for`` on Python 3.11 does when the future it
    waits for completes at the same moment; then waits a minute more (a probe's timeout)."""

    id = "swallows"
    title = "Swallows a cancel"

    async def run(self, given: WizardInput, progress: Progress) -> Any:
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.Event().wait()
        await asyncio.sleep(60)


def test_cancel_stops_a_wizard_that_lost_the_first_cancellation() -> None:
    engine = Engine(profile(run=120), [SwallowsOneCancel()], capture=False)
    box: list[Any] = []
    worker = threading.Thread(target=lambda: box.append(engine.run()), daemon=True)
    worker.start()
    time.sleep(0.5)
    engine.cancel()
    worker.join(20)
    assert box and box[0].cancelled
    _stopped_by_the_cancel(box[0])


def test_cancel_before_start_is_honoured() -> None:
    engine = Engine(profile(run=60), [WaitsForever()], capture=False)
    engine.cancel()
    assert engine.run().cancelled


class Records(WaitsForever):
    """Returns what it was given from the wizards it needs."""

    id = "records"
    title = "Records"
    needs = ("first",)

    async def run(self, given: WizardInput, progress: Progress) -> Any:
        return dict(given.earlier)


class First(WaitsForever):
    id = "first"
    title = "First"

    async def run(self, given: WizardInput, progress: Progress) -> Any:
        await asyncio.sleep(0.05)
        return {"decision": "PROXY proxy.lab.test:3128"}


def test_a_wizard_gets_the_observations_it_needs() -> None:
    result = Engine(profile(), [First(), Records()], capture=False).run()
    assert result.observations["records"] == {"first": {"decision": "PROXY proxy.lab.test:3128"}}


def test_a_wizard_that_returns_another_type_than_it_declares_fails() -> None:
    class Lies(First):
        id = "lies"
        observation_type = list

    result = Engine(profile(), [Lies(), Records()], capture=False).run()
    assert "lies" not in result.observations
    (failed,) = [f for f in result.findings if f.id == "probe.failed"]
    assert "it returned dict, not its list" in failed.engineer_text


def test_earlier_observations_are_typed() -> None:
    given = WizardInput(profile=profile(), targets=(), resolved={}, earlier={"first": {"a": 1}})
    assert given.earlier_observations("first", dict) == {"a": 1}
    assert given.earlier_observations("absent", dict) is None
    with pytest.raises(TypeError, match="the first wizard's observations are dict, not list"):
        given.earlier_observations("first", list)


def test_needs_must_be_listed_first() -> None:
    with pytest.raises(ValueError, match="needs"):
        Engine(profile(), [Records(), First()], capture=False)


def test_a_needed_wizard_that_fails_is_simply_absent() -> None:
    class NeedsBreaks(Records):
        id = "needs-breaks"
        needs = ("breaks",)

    result = Engine(profile(), [Breaks(), NeedsBreaks()], capture=False).run()
    assert result.observations["needs-breaks"] == {}


def test_a_needed_wizard_left_out_of_the_run_is_absent() -> None:
    result = Engine(profile(), [Records()], capture=False).run()
    assert result.observations["records"] == {}


def test_an_address_that_refuses_gives_way_to_the_next(ca: trustme.CA) -> None:
    """A dual-stack name whose first address refuses (as ::1 often does) is tested on the next."""
    from wiresleuth.model.observations import ResolveObservation

    class Quiet:
        def step(self, message: str) -> None:
            pass

        def socket_event(
            self, target: str, kind: str, at: float, detail: str = "", *, lane: str = ""
        ) -> None:
            pass

        def waiting(self, what: str, deadline: float | None) -> contextlib.nullcontext[Wait]:
            return contextlib.nullcontext(Wait())

        def publish(self, observations: object) -> None:
            pass

    with LoopbackServer(tls_ok(ca, "dual.test")) as good:
        given = WizardInput(
            profile=profile(f"dual.test:{good.port}"),
            targets=(Target.parse(f"dual.test:{good.port}"),),
            resolved={
                "dual.test": ResolveObservation(
                    host="dual.test", addresses=("127.0.0.3", "127.0.0.1"), started_at=0, elapsed=0
                )
            },
        )
        obs = asyncio.run(TlsHandshakeWizard().run(given, Quiet()))
    (target,) = obs.targets
    assert target.address == "127.0.0.1"
    assert target.skipped_addresses == ("127.0.0.3: refused",)
    assert target.attempts[0].outcome == "ok"


needs_capture = pytest.mark.skipif(os.geteuid() != 0, reason="capturing packets needs root")


class _Stop(BaseException):
    """Raised by a progress listener: the run fails after its capture file was written."""


@needs_capture
def test_a_failing_run_leaves_no_scratch_folder(
    ca: trustme.CA, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    made: list[Path] = []

    def fail_after_capture(event: ProgressEvent) -> None:
        made.extend(tmp.glob("wiresleuth-run-*/capture.pcapng"))
        if event.message == "analysis done":
            raise _Stop

    with LoopbackServer(tls_ok(ca)) as good:
        engine = Engine(
            profile(f"localhost:{good.port}"),
            [TlsHandshakeWizard()],
            capture=True,
            on_event=fail_after_capture,
        )
        with pytest.raises(_Stop):
            engine.run()
    assert made, "the run should have written its capture before failing"
    assert list(tmp.iterdir()) == []


@needs_capture
def test_the_scratch_capture_is_private_until_discarded(
    ca: trustme.CA, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    with LoopbackServer(tls_ok(ca)) as good:
        result = Engine(profile(f"localhost:{good.port}"), [TlsHandshakeWizard()]).run()
    assert result.capture_file is not None, result.capture.reason
    assert stat.S_IMODE(result.capture_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(result.capture_file.parent.stat().st_mode) == 0o700
    discard_scratch(result)
    assert list(tmp.iterdir()) == []


def test_every_check_says_what_it_did_with_each_target() -> None:
    result = Engine(
        profile("http://127.0.0.1:9/", "https://no-such-name.invalid/"),
        [TlsHandshakeWizard()],
        capture=False,
    ).run()
    statuses = {(s.check, s.target): s for s in result.checks}
    assert [s.check for s in result.checks] == ["lookup", "lookup", "tls", "tls", "capture"]
    assert statuses[("tls", "127.0.0.1:9")].shown == "not tested (not an HTTPS site)"
    assert statuses[("tls", "no-such-name.invalid:443")].shown == (
        "not tested (its name did not resolve)"
    )
    assert statuses[("lookup", "no-such-name.invalid:443")].status is Status.PROBLEM
    assert statuses[("lookup", "127.0.0.1:9")].shown == "passed: 127.0.0.1"


class ProxiedOnly(Records):
    """Tests a target only when the wizard it needs named a proxy (as the proxy-path check)."""

    id = "proxied-only"
    title = "Proxied only"

    def not_tested(self, given: WizardInput) -> dict[str, str]:
        decided = given.earlier.get("first") or {}
        if "PROXY" in str(decided.get("decision")):
            return {}
        return {t.key: "no proxy is known" for t in given.targets}


def test_what_a_check_did_not_test_is_judged_with_what_it_was_given() -> None:
    """The statuses are concluded after the run: a check's ``not_tested`` sees the observations
    of the wizards it needs, as its run did (it said 'no proxy is known' for a proxy that the
    route, from the OS settings, had named)."""
    result = Engine(profile("https://www.example.test/"), [First(), ProxiedOnly()], capture=False).run()
    (status,) = [s for s in result.checks if s.check == "proxied-only"]
    assert "no proxy is known" not in status.shown


class Slow(WaitsForever):
    """One recorded wait of 0.4 s, then a decision."""

    id = "slow"
    title = "Slow"

    async def run(self, given: WizardInput, progress: Progress) -> Any:
        with progress.waiting("a held request", 0.4):
            await asyncio.sleep(0.4)
        return {"decision": "DIRECT", "ended": time.monotonic()}


class Uses(WaitsForever):
    """Starts at once; only part of its work waits for the slow wizard's observations."""

    id = "uses"
    title = "Uses"
    uses = ("slow",)

    async def run(self, given: WizardInput, progress: Progress) -> Any:
        started = time.monotonic()
        beside = asyncio.create_task(asyncio.sleep(0.1))  # work that needs nothing
        slow = await given.observations_when_ready("slow", dict)
        await beside
        return {"started": started, "slow": slow}


def test_a_wizard_that_uses_another_starts_at_once_and_gets_its_observations() -> None:
    result = Engine(profile(), [Slow(), Uses()], capture=False).run()
    used = result.observations["uses"]
    assert used["slow"]["decision"] == "DIRECT"
    assert used["started"] < used["slow"]["ended"]  # it did not wait to start
    path = [(s.wizard, s.what) for s in result.critical_path]
    assert ("slow", "a held request") in path  # the wait its observations depended on
    (held,) = [s for s in result.critical_path if s.what == "a held request"]
    assert held.deadline_s == 0.4 and held.to_deadline and held.seconds >= 0.39
    assert any(line.endswith(path_text(result.critical_path)) for line in result.log)


def test_a_used_wizard_must_be_listed_first_and_a_failed_one_gives_none() -> None:
    with pytest.raises(ValueError, match="needs"):
        Engine(profile(), [Uses(), Slow()], capture=False)

    class UsesBroken(Uses):
        id = "uses-broken"
        uses = ("breaks",)

        async def run(self, given: WizardInput, progress: Progress) -> Any:
            return {"got": await given.observations_when_ready("breaks", dict)}

    result = Engine(profile(), [Breaks(), UsesBroken()], capture=False).run()
    assert result.observations["uses-broken"] == {"got": None}


class Publishes(WaitsForever):
    """Publishes what its dependents need, then measures something none of them reads."""

    id = "publishes"
    title = "Publishes"

    async def run(self, given: WizardInput, progress: Progress) -> Any:
        with progress.waiting("the decision", 0.3):
            await asyncio.sleep(0.05)
        progress.publish({"decision": "DIRECT"})
        with progress.waiting("a path round trip", 0.3):
            await asyncio.sleep(0.3)
        return {"decision": "DIRECT", "rtt": 0.3, "ended": time.monotonic()}


class NeedsEarly(WaitsForever):
    id = "needs-early"
    title = "Needs early"
    needs = ("publishes",)
    needs_early = ("publishes",)

    async def run(self, given: WizardInput, progress: Progress) -> Any:
        with progress.waiting("a handshake", 0.6):
            await asyncio.sleep(0.6)
        return {"started": time.monotonic() - 0.6, "got": dict(given.earlier)}


class NeedsAll(Records):
    id = "needs-all"
    needs = ("publishes",)


def test_a_wizard_needing_what_another_published_early_starts_then() -> None:
    result = Engine(profile(), [Publishes(), NeedsEarly(), NeedsAll()], capture=False).run()
    early, done = result.observations["needs-early"], result.observations["publishes"]
    assert early["got"] == {"publishes": {"decision": "DIRECT"}}
    assert early["started"] < done["ended"]  # it did not wait for the round trip
    assert result.observations["needs-all"] == {"publishes": done}  # the others get it whole
    path = [(s.wizard, s.what) for s in result.critical_path]
    assert ("publishes", "the decision") in path and ("needs-early", "a handshake") in path
    assert ("publishes", "a path round trip") not in path


def test_a_wizard_using_what_another_published_early_gets_it_then() -> None:
    class UsesEarly(WaitsForever):
        id = "uses-early"
        title = "Uses early"
        uses = ("publishes",)
        uses_early = ("publishes",)

        async def run(self, given: WizardInput, progress: Progress) -> Any:
            got = await given.observations_when_ready("publishes", dict)
            return {"got": got, "at": time.monotonic()}

    result = Engine(profile(), [Publishes(), UsesEarly()], capture=False).run()
    used, done = result.observations["uses-early"], result.observations["publishes"]
    assert used["got"] == {"decision": "DIRECT"} and used["at"] < done["ended"]


def test_early_needs_of_a_wizard_that_fails_before_publishing_are_absent() -> None:
    class NeedsBreaksEarly(NeedsEarly):
        id = "needs-breaks-early"
        needs = ("breaks",)
        needs_early = ("breaks",)

        async def run(self, given: WizardInput, progress: Progress) -> Any:
            return dict(given.earlier)

    result = Engine(profile(), [Breaks(), NeedsBreaksEarly()], capture=False).run()
    assert result.observations["needs-breaks-early"] == {}


def test_capture_lingers_one_and_a_half_slowest_round_trip_after_the_probes() -> None:
    from wiresleuth.engine.engine import _trailing_wait
    from wiresleuth.model.observations import ConnectObservation

    def conn(rtt: float | None) -> ConnectObservation:
        return ConnectObservation(
            address="100.64.1.10", port=443, started_at=0.0,
            connected_at=None if rtt is None else rtt, kernel_rtt=rtt,
        )  # fmt: skip

    nested = {"targets": ({"attempts": [conn(0.1), conn(0.002)]},), "failed": conn(None)}
    assert abs(_trailing_wait([nested]) - 0.17) < 1e-9
    assert _trailing_wait([{"only": conn(None)}]) == 0.05  # nothing was established
    assert _trailing_wait([[conn(2.0)]]) == 0.3  # a far server: at most 0.3 s


class RecordsItsSetUp(WaitsForever):
    """A wizard whose set-up notes when it ran."""

    id = "records"
    title = "Records its set-up"

    def __init__(self, order: list[str]) -> None:
        self.order = order

    def prepare(self, profile: Profile) -> None:
        self.order.append("set-up")

    async def run(self, given: WizardInput, progress: Progress) -> Any:
        return {}


def test_the_lookups_leave_before_the_wizards_set_up_starts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The set-up jobs (their own lookups, loading) wait until every target lookup has been
    handed to the resolver: queued behind them, or waiting for the interpreter they hold, a
    lookup left late and the whole run with it. Here the lookups leave 20 ms late."""
    from wiresleuth.engine import engine as engine_module
    from wiresleuth.model.observations import ResolveObservation

    order: list[str] = []

    async def late(host: str, *, timeout: float, on_way: Any = None) -> ResolveObservation:
        await asyncio.sleep(0.02)
        order.append(f"left: {host}")
        if on_way is not None:
            on_way()
        return ResolveObservation(
            host=host, addresses=("127.0.0.1",), started_at=time.time(), elapsed=0.02
        )

    monkeypatch.setattr(engine_module, "resolve", late)
    result = Engine(
        profile("a.invalid:443", "b.invalid:443"), [RecordsItsSetUp(order)], capture=False
    ).run()
    assert result.observations["records"] == {}
    assert sorted(order[:2]) == ["left: a.invalid", "left: b.invalid"] and order[2] == "set-up"


class ReadsTheSwitchInterval(WaitsForever):
    id = "switching"
    title = "Reads the switch interval"

    async def run(self, given: WizardInput, progress: Progress) -> Any:
        return {"interval": sys.getswitchinterval()}


def test_a_run_switches_finely_and_gives_the_interval_back() -> None:
    """A thread that loads or reads holds the interpreter a switch interval each time the
    event loop wants it back: during a run that is at most 1 ms, not the default 5."""
    before = sys.getswitchinterval()
    result = Engine(profile(), [ReadsTheSwitchInterval()], capture=False).run()
    assert result.observations["switching"]["interval"] <= 0.001 < before
    assert sys.getswitchinterval() == before


class LooksUpInItsSetUp(RecordsItsSetUp):
    """Looks the profile's endpoint up in its set-up, as the proxy-path wizard does."""

    def prepare(self, profile: Profile) -> None:
        from wiresleuth.wizards.route_input import lookup_now

        self.order.append("set-up")
        self.order.append(f"set-up got {lookup_now(profile.must_refuse[0].host)}")


def test_the_set_ups_names_leave_with_the_targets_and_are_asked_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A name the profile gives (an endpoint that must refuse) is asked as the run starts,
    before any set-up thread (each started a few ms after the last); the set-up that looks it
    up takes that answer; once the run ended the answer is forgotten."""
    import socket

    from wiresleuth.probes import lookups_ahead

    order: list[str] = []
    real = socket.getaddrinfo

    def recorded(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host == "localhost":
            order.append("asked localhost")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", recorded)
    prof = Profile(
        targets=(Target.parse("127.0.0.1:443"),),
        must_refuse=(Target.parse("localhost:9"),),
        budgets=Budgets(run=20.0, connect=1.0, tls_handshake=2.0, icmp=0.3),
    )
    answer = real("localhost", None, type=socket.SOCK_STREAM)[0][4][0]
    Engine(prof, [LooksUpInItsSetUp(order)], capture=False).run()
    assert order == ["asked localhost", "set-up", f"set-up got {answer}"]
    assert lookups_ahead.answer("localhost", socket.AF_UNSPEC, 1.0) is None
