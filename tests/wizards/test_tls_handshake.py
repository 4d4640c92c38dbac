"""The TLS wizard's follow-ups on loopback servers: started beside the default handshake,
kept only when its outcome calls for them, none where segment size cannot matter."""

from __future__ import annotations

import asyncio
import contextlib

import trustme

from tests.probes.loopback_servers import LoopbackServer, reset_after, silent, tls_ok
from wiresleuth.model.observations import ResolveObservation, TlsTargetObservation
from wiresleuth.model.target import Target
from wiresleuth.profile.model import Budgets, Profile
from wiresleuth.wizards.base import Wait, WizardInput
from wiresleuth.wizards.tls_handshake import TlsHandshakeWizard


class Waits:
    """Records the waits the wizard declares, as the engine would."""

    def __init__(self) -> None:
        self.waits: list[tuple[str, float | None]] = []
        self.lanes: dict[str, list[str]] = {}

    def step(self, message: str) -> None:
        pass

    def socket_event(
        self, target: str, kind: str, at: float, detail: str = "", *, lane: str = ""
    ) -> None:
        self.lanes.setdefault(lane, []).append(kind)

    def waiting(self, what: str, deadline: float | None) -> contextlib.nullcontext[Wait]:
        self.waits.append((what, deadline))
        return contextlib.nullcontext(Wait())

    def publish(self, observations: object) -> None:
        """The TLS wizard publishes nothing early."""


def run_wizard(port: int, progress: Waits | None = None) -> TlsTargetObservation:
    target = Target.parse(f"localhost:{port}")
    given = WizardInput(
        profile=Profile(targets=(target,), budgets=Budgets(connect=1.0, tls_handshake=1.5)),
        targets=(target,),
        resolved={
            "localhost": ResolveObservation(
                host="localhost", addresses=("127.0.0.1",), started_at=0, elapsed=0
            )
        },
    )
    obs = asyncio.run(TlsHandshakeWizard().run(given, progress or Waits()))
    return obs.targets[0]


def test_a_success_keeps_the_public_trust_handshake_made_beside_it(ca: trustme.CA) -> None:
    progress = Waits()
    with LoopbackServer(tls_ok(ca)) as server:
        target = run_wizard(server.port, progress)
    default, public = target.attempts
    assert (default.outcome, public.purpose, public.outcome) == ("ok", "public-trust", "ok")
    assert public.connect.started_at < default.ended_at  # side by side, not after it
    # the small-MSS handshake was made too, and not reported; its lane was closed
    assert any(what.endswith("small-mss handshake") for what, _ in progress.waits)
    assert progress.lanes["small-mss"][-1] == "closed"
    assert all(deadline == 2.5 for _, deadline in progress.waits)
    # ...and its connect kept, so that its connection in the capture has a name
    (spare,) = target.stopped_attempts
    assert (spare.purpose, spare.connect.mss) == ("small-mss", 536)
    kept = {default.connect.local_port, public.connect.local_port}
    assert spare.connect.local_port is not None and spare.connect.local_port not in kept


def test_a_reset_after_the_client_hello_gets_no_small_mss_retry() -> None:
    with LoopbackServer(reset_after(0.6)) as server:
        target = run_wizard(server.port)
    assert [a.purpose for a in target.attempts] == ["default"]
    assert target.attempts[0].outcome == "reset"
    # neither follow-up was needed: both connected beside it, and are named by their connects
    spared = {s.purpose: s.connect.local_port for s in target.stopped_attempts}
    assert set(spared) == {"small-mss", "public-trust"}
    assert None not in spared.values() and len(set(spared.values())) == 2
    assert target.attempts[0].connect.local_port not in spared.values()


def test_a_stall_keeps_the_small_mss_handshake_that_waited_beside_it() -> None:
    with LoopbackServer(silent) as server:
        target = run_wizard(server.port)
    default, small = target.attempts
    assert (default.outcome, small.purpose, small.outcome) == ("timeout", "small-mss", "timeout")
    assert small.connect.started_at < default.ended_at  # it waited beside, not after, it
    assert [s.purpose for s in target.stopped_attempts] == ["public-trust"]
