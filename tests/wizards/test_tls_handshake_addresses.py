"""The TLS wizard on every address of a name (issue 16): real loopback servers, one port,
several addresses (IPv4 and IPv6), one of which resets after the ClientHello."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator

import pytest
import trustme

from tests.probes.loopback_servers import LoopbackServer, reset_after, silent, tls_ok, unused_port
from wiresleuth.model.observations import ResolveObservation, TlsWizardObservations
from wiresleuth.model.target import Target
from wiresleuth.profile.model import Budgets, Profile
from wiresleuth.wizards import tls_handshake
from wiresleuth.wizards.base import Wait, WizardInput
from wiresleuth.wizards.tls_handshake import TlsHandshakeWizard


class Recorder:
    """The wizard's progress, kept: steps and socket moments by lane."""

    def __init__(self) -> None:
        self.steps: list[str] = []
        self.moments: list[tuple[str, str]] = []  # (lane, kind)

    def step(self, message: str) -> None:
        self.steps.append(message)

    def socket_event(
        self, target: str, kind: str, at: float, detail: str = "", *, lane: str = ""
    ) -> None:
        self.moments.append((lane, kind))

    def waiting(self, what: str, deadline: float | None) -> contextlib.nullcontext[Wait]:
        return contextlib.nullcontext(Wait())

    def publish(self, observations: object) -> None:
        """The TLS wizard publishes nothing early."""

    def most_open(self) -> int:
        """The most lanes open (between ``connect`` and ``closed``) at one time."""
        open_now: set[str] = set()
        most = 0
        for lane, kind in self.moments:
            if kind == "connect":
                open_now.add(lane)
            elif kind == "closed":
                open_now.discard(lane)
            most = max(most, len(open_now))
        return most


@contextlib.contextmanager
def servers(*kinds: tuple[str, object]) -> Iterator[int]:
    """Servers on one free port, one per (address, behaviour)."""
    port = unused_port()
    with contextlib.ExitStack() as stack:
        for host, behaviour in kinds:
            stack.enter_context(LoopbackServer(behaviour, host=host, port=port))  # type: ignore[arg-type]
        yield port


def given(port: int, *addresses: str) -> WizardInput:
    target = Target.parse(f"pool.test:{port}")
    return WizardInput(
        profile=Profile(
            targets=(target,), budgets=Budgets(run=20, connect=1.0, tls_handshake=1.5, icmp=0.3)
        ),
        targets=(target,),
        resolved={
            "pool.test": ResolveObservation(
                host="pool.test", addresses=addresses, started_at=0, elapsed=0
            )
        },
    )


def test_every_address_is_tested_and_the_one_that_resets_is_seen(ca: trustme.CA) -> None:
    addresses = ("127.0.0.2", "::1", "127.0.0.3", "127.0.0.4")  # .4: nothing listens
    with servers(
        ("127.0.0.2", tls_ok(ca, "pool.test")),
        ("::1", tls_ok(ca, "pool.test")),
        ("127.0.0.3", reset_after(0.3)),
    ) as port:
        progress = Recorder()
        wizard = TlsHandshakeWizard()
        obs = asyncio.run(wizard.run(given(port, *addresses), progress))
    assert isinstance(obs, TlsWizardObservations)
    (target,) = obs.targets
    outcomes = {a.address: a.attempts[0].outcome for a in target.by_address()}
    assert outcomes == {
        "127.0.0.2": "ok", "::1": "ok", "127.0.0.3": "reset", "127.0.0.4": "connect_failed",
    }  # fmt: skip
    assert target.address == "127.0.0.2" and target.skipped_addresses == ()
    assert [a.address for a in target.other_addresses] == ["::1", "127.0.0.3", "127.0.0.4"]
    reset = next(a for a in target.other_addresses if a.address == "127.0.0.3")
    assert [a.purpose for a in reset.attempts] == ["default"]  # a reset gets no follow-up
    assert all(a.path_rtt is not None for a in target.by_address())
    # follow-ups not needed keep their connects, each with a port of its own (one still
    # waiting for a probe slot when stopped had none: nothing of it on the wire)
    assert target.stopped_attempts == target.by_address()[0].stopped_attempts
    kept = {a.connect.local_port for t in target.by_address() for a in t.attempts}
    spared = [s.connect.local_port for t in target.by_address() for s in t.stopped_attempts]
    assert None not in spared and len(set(spared)) == len(spared)
    assert not kept & set(spared)
    refused = next(a for a in target.other_addresses if a.address == "127.0.0.4")
    assert refused.stopped_attempts == ()  # refused: no connection to name
    # each address's attempts have a lane of their own in the live view
    assert {lane for lane, _ in progress.moments} >= {"default 127.0.0.3", "default ::1"}
    assert len(progress.steps) == wizard.steps(given(port, *addresses)) == 12


def test_a_first_address_that_refuses_gives_way_to_the_next(ca: trustme.CA) -> None:
    with servers(("127.0.0.6", tls_ok(ca, "pool.test"))) as port:
        obs = asyncio.run(TlsHandshakeWizard().run(given(port, "127.0.0.5", "127.0.0.6"), Recorder()))
    (target,) = obs.targets
    assert target.address == "127.0.0.6" and target.attempts[0].outcome == "ok"
    assert target.skipped_addresses == ("127.0.0.5: refused",)
    assert [a.address for a in target.other_addresses] == ["127.0.0.5"]


def test_probes_of_one_target_are_bounded(ca: trustme.CA, monkeypatch: pytest.MonkeyPatch) -> None:
    """With the bound at 2, four stalling addresses never have more than 2 handshakes open."""
    monkeypatch.setattr(tls_handshake, "PROBES_AT_ONCE", 2)
    addresses = ("127.0.0.7", "127.0.0.8", "127.0.0.9", "127.0.0.10")
    with servers(*((a, silent) for a in addresses)) as port:
        progress = Recorder()
        obs = asyncio.run(TlsHandshakeWizard().run(given(port, *addresses), progress))
    assert [a.attempts[0].outcome for a in obs.targets[0].by_address()] == ["timeout"] * 4
    assert progress.most_open() == 2


def test_addresses_beyond_the_most_tested_are_listed(ca: trustme.CA, refused_port: int) -> None:
    many = tuple(f"127.0.1.{n}" for n in range(1, tls_handshake.MAX_ADDRESSES + 3))
    # every address refuses at once
    obs = asyncio.run(TlsHandshakeWizard().run(given(refused_port, *many), Recorder()))
    (target,) = obs.targets
    assert len(target.by_address()) == tls_handshake.MAX_ADDRESSES
    assert target.untested_addresses == many[tls_handshake.MAX_ADDRESSES :]


def test_capture_is_planned_for_every_address_of_either_family() -> None:
    flows = TlsHandshakeWizard().flows(given(443, "127.0.0.2", "::1"))
    assert {(f.address, f.port) for f in flows if f.proto == "tcp"} >= {
        ("127.0.0.2", 443), ("::1", 443),
    }  # fmt: skip


def test_probe_slots_count_every_probe_of_a_wave() -> None:
    """A path round trip takes a slot per probe of its wave: handshakes and round trips side
    by side never have more probes in flight than there are slots; a taker cancelled while
    gathering gives back what it had; more than all slots means all of them."""
    slots = tls_handshake._Slots(8)
    in_flight: list[int] = []
    busy = 0

    async def probe(weight: int) -> None:
        nonlocal busy
        held = min(weight, 8)
        async with slots.taken(weight):
            busy += held
            in_flight.append(busy)
            await asyncio.sleep(0.01)
            busy -= held

    async def main() -> None:
        await asyncio.gather(*(probe(3 if n % 2 else 1) for n in range(12)))
        blocker = asyncio.create_task(probe(8))
        await asyncio.sleep(0)
        waiting = asyncio.create_task(probe(3))  # waits while all 8 are held
        await asyncio.sleep(0.002)
        waiting.cancel()
        await asyncio.gather(blocker, waiting, return_exceptions=True)
        await asyncio.wait_for(probe(9), 1.0)  # all 8 are free again; 9 means all

    asyncio.run(main())
    assert max(in_flight) <= 8 and 8 in in_flight
