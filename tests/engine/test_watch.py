"""A real watch against loopback servers, its schedule on a fake clock (no test sleeps)."""

import socket
import threading
from pathlib import Path

import trustme

from tests.engine.test_watch_schedule import FakeClock
from tests.probes.loopback_servers import LoopbackServer, reset_after, tls_ok
from wiresleuth.bundle.reader import read_bundle
from wiresleuth.bundle.watch_file import watch_summary, write_watch_bundle
from wiresleuth.engine.watch import Watch, discard_watch_scratch
from wiresleuth.model.target import Target
from wiresleuth.model.watch import WatchProgress
from wiresleuth.profile.model import Budgets, Profile
from wiresleuth.wizards.base import Wizard
from wiresleuth.wizards.route import RouteWizard
from wiresleuth.wizards.tls_handshake import TlsHandshakeWizard


class Flaky:
    """A server that answers TLS properly, except on the attempts listed in ``bad``, where it
    resets after the ClientHello (the current attempt is set by the test's progress sink)."""

    def __init__(self, ca: trustme.CA, bad: set[int]) -> None:
        self.attempt = 0
        self.bad = bad
        self._good = tls_ok(ca)
        self._reset = reset_after(0.2)

    def __call__(self, conn: socket.socket) -> None:
        (self._reset if self.attempt in self.bad else self._good)(conn)


def small_full(profile: Profile) -> list[Wizard]:
    return [RouteWizard(), TlsHandshakeWizard()]


def test_a_watch_groups_the_failures_diagnoses_them_and_saves_a_bundle(
    ca: trustme.CA, tmp_path: Path
) -> None:
    flaky = Flaky(ca, bad={3, 4})
    progress: list[WatchProgress] = []

    def on_progress(event: WatchProgress) -> None:
        progress.append(event)
        if event.kind == "attempt-started":
            flaky.attempt = int(event.message.split()[1].rstrip(":"))

    with LoopbackServer(flaky) as server:
        profile = Profile(
            targets=(Target.parse(f"localhost:{server.port}"),),
            budgets=Budgets(run=20.0, connect=1.0, tls_handshake=2.0, icmp=0.3),
        )
        clock = FakeClock()
        watch = Watch(
            profile,
            every=60.0,
            duration=300.0,
            capture=False,
            full=small_full,
            on_progress=on_progress,
            clock=clock,
        )
        run = watch.run()
    summary = run.summary
    assert summary.attempts_total == 5 and summary.settings.ended == "finished"
    assert [a.ok for a in summary.attempts] == [True, True, False, False, True]
    assert [a.diagnosed for a in summary.attempts] == [False, False, True, True, False]
    addresses = {r.address for a in summary.attempts for r in a.results}
    assert addresses == {"127.0.0.1"}  # localhost resolves to it here (and ::1 is not served)
    (group,) = summary.groups
    assert group.signature == "tls.reset_after_client_hello"
    assert (group.count, group.first_attempt, group.last_attempt) == (2, 3, 4)
    assert group.worked == 3 and group.nearest_working == 5
    assert [f.attempt for f in summary.failures] == [3, 4]
    assert all(f.diagnosis_ran for f in summary.failures)
    # the full diagnosis (the TLS wizard's follow-up included) concluded it again
    assert any(
        f.id == "tls.reset_after_client_hello" and f.wizard == "tls"
        for f in summary.failures[0].findings
    )
    kinds = [p.kind for p in progress]
    assert kinds.count("diagnosis-started") == 2 and kinds[-1] == "finished"
    assert any("FAILED" in p.message and "127.0.0.1" in p.message for p in progress)

    out = write_watch_bundle(run, tmp_path / "watch.wsbundle")
    discard_watch_scratch(run)
    bundle = read_bundle(out)
    again = watch_summary(bundle.report)
    assert again == summary
    assert [f.id for f in bundle.findings] == [f.id for f in run.result.findings]


def test_cancel_ends_a_watch_at_once_and_keeps_what_it_saw(ca: trustme.CA) -> None:
    """A real clock, an hour between attempts: cancel during the wait ends it (bounded
    join), and the watch hands back its one attempt."""
    with LoopbackServer(tls_ok(ca)) as server:
        profile = Profile(
            targets=(Target.parse(f"localhost:{server.port}"),),
            budgets=Budgets(run=20.0, connect=1.0, tls_handshake=2.0, icmp=0.3),
        )
        first = threading.Event()

        def on_progress(event: WatchProgress) -> None:
            if event.kind == "attempt":
                first.set()

        watch = Watch(
            profile, every=3600.0, duration=7200.0, capture=False, on_progress=on_progress
        )
        box: list[object] = []
        runner = threading.Thread(target=lambda: box.append(watch.run()), daemon=True)
        runner.start()
        assert first.wait(30.0)
        watch.cancel()
        runner.join(10.0)
        assert not runner.is_alive()
    (run,) = box
    assert run.summary.settings.ended == "cancelled"  # type: ignore[attr-defined]
    assert run.summary.attempts_total == 1  # type: ignore[attr-defined]
