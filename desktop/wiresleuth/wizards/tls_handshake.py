"""TLS handshake wizard: connect to each HTTPS target like a browser and explain any failure.

It follows the route the user's applications take: through a CONNECT tunnel when the route
is a proxy (the certificate seen through the proxy is then compared with the real server's,
read directly), directly otherwise.

Per target: path RTT (apart from the handshake), the handshake as a browser does it, and one
follow-up chosen by its outcome: a small-MSS handshake after a stall (large packets lost?), a
public-trust handshake after success (SSL inspection?), or an unverified look at a
certificate that failed verification (who issued it?). A reset after the ClientHello or a
fatal alert gets no follow-up: segment size cannot explain them.

The small-MSS and public-trust handshakes start beside the default one (speculatively: one
connection each, to the same address or through the same proxy), so a stalled or held
default costs its own wait once, not twice; the one the outcome does not call for is
cancelled and not reported: only its connect is kept (``stopped_attempts``), so that its
connection in the capture has a name.

Directly, all of this is done on every address the name resolves to (IPv4 and IPv6, at most
``MAX_ADDRESSES``), side by side (issue 16): one member of a load balancer's pool may be the
one that resets, and a browser picks whichever address comes first. At most
``PROBES_AT_ONCE`` probes of one target are in flight at once (the size of the program's
probe waves), so the run is as long as the slowest address, not their sum.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import ssl
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, TypeVar

from wiresleuth.analysis.tls_records import parse_tls
from wiresleuth.model.observations import (
    ConnectObservation,
    GatewayObservation,
    StoppedAttempt,
    TlsAddressObservation,
    TlsObservation,
    TlsTargetObservation,
    TlsWizardObservations,
)
from wiresleuth.model.plan import FlowSpec
from wiresleuth.model.target import Target
from wiresleuth.probes.path_rtt import SAMPLES as PATH_SAMPLES
from wiresleuth.probes.path_rtt import measure_path_rtt
from wiresleuth.probes.proxy_auth import ProxyCredentials
from wiresleuth.probes.tls_contexts import inspect_context, os_trust_context, public_trust_context
from wiresleuth.probes.tls_handshake import tls_handshake
from wiresleuth.profile.model import Profile
from wiresleuth.wizards.base import Progress, Wizard, WizardInput, side_by_side, stopped
from wiresleuth.wizards.loading import When, load
from wiresleuth.wizards.route_input import Hop, hop_for, split_proxy

if TYPE_CHECKING:
    from wiresleuth.platform.gateway import Gateway

log = logging.getLogger(__name__)
T = TypeVar("T")

SMALL_MSS = 536
"""The classic minimum: segments this small pass every sane path, whatever its MTU or policy."""
_RETRY_SMALL_MSS = frozenset({"timeout", "eof", "tls_error"})
"""Outcomes a lost large segment can cause (a stall); a reset or an alert it cannot."""
SPECULATIVE = ("small-mss", "public-trust")
"""Follow-ups started beside the default handshake; the outcome picks at most one."""
_STEPS_PER_TARGET = 3
"""Steps per address tested (handshake, follow-up, path RTT)."""
MAX_ADDRESSES = 8
"""Addresses of one name tested (a load balancer's pool, IPv4 and IPv6); the rest are listed
as not tested."""
PROBES_AT_ONCE = 8
"""Probes (handshakes, path RTT measurements) of one target in flight at once, whatever the
number of its addresses: the program's probe waves are no larger."""


class TlsHandshakeWizard(Wizard):
    """Does the secure connection to each site complete, and if not, where does it break?"""

    id = "tls"
    needs = ("route",)
    observation_type = TlsWizardObservations
    title = "Secure connection (TLS) handshake"
    description = (
        "Opens a secure connection to each site the way a browser does and times every step, "
        "to tell a slow or broken path from a device that answers, resets or inspects in between."
    )

    def __init__(self, *, credentials: ProxyCredentials | None = None) -> None:
        self.credentials = credentials
        """Typed by the user in this run for the route's proxy (``--proxy-user``); never stored."""
        self._contexts: dict[str, ssl.SSLContext] = {}
        self._loading: concurrent.futures.Future[dict[str, ssl.SSLContext]] | None = None
        self._slots: dict[str, _Slots] = {}

    def prepare(self, profile: Profile) -> None:
        # Loading a CA store takes a tenth of a second or more, holding the interpreter: once
        # per run, in the background from the start, not once per handshake on the event loop.
        self._loading = load(_trust_contexts, When.PROBES)
        # and the gateway's reader (with the MAC vendors' table, 0.03-0.06 s): imported in
        # its thread as the handshakes started, it held their first steps
        load(_load_gateway_reader, When.BESIDE)

    async def _contexts_loaded(self) -> None:
        if self._loading is None:
            self._loading = load(_trust_contexts, When.PROBES)
        if self._loading.done():  # loaded during the lookups: no turn of the loop lost
            self._contexts = self._loading.result()
            return
        self._contexts = await asyncio.wrap_future(self._loading)

    def _context(self, purpose: str) -> ssl.SSLContext:
        return self._contexts[_TRUST_VIEW[purpose]]

    def _targets(self, given: WizardInput) -> list[Target]:
        return [t for t in given.targets if t.scheme == "https"]

    def flows(self, given: WizardInput) -> list[FlowSpec]:
        flows: list[FlowSpec] = []
        for target in self._targets(given):
            for address in given.addresses(target)[:MAX_ADDRESSES]:
                flows += [
                    FlowSpec(address=address, proto="tcp", port=target.port),
                    FlowSpec(address=address, proto="icmp"),
                    FlowSpec(address=address, proto="tcp", port=80),
                    FlowSpec(address=address, proto="tcp", port=9),
                ]
        return flows

    def steps(self, given: WizardInput) -> int:
        return sum(_STEPS_PER_TARGET * _tested(given, t) for t in self._targets(given))

    async def run(self, given: WizardInput, progress: Progress) -> TlsWizardObservations:
        await self._contexts_loaded()
        # The gateway's MAC is in the neighbour table once anything went through it (the
        # engine's name lookups did): read beside the handshakes, again after them if absent.
        early = asyncio.create_task(_gateway())
        try:
            results = await side_by_side(
                [self._one(target, given, progress) for target in self._targets(given)]
            )
            gateway, error = await early
        finally:
            early.cancel()
        if gateway is None or gateway.mac is None:
            gateway, error = await _gateway()
        return TlsWizardObservations(targets=tuple(results), gateway=gateway, gateway_error=error)

    def not_tested(self, given: WizardInput) -> dict[str, str]:
        return {t.key: "not an HTTPS site" for t in given.targets if t.scheme != "https"}

    async def _one(
        self, target: Target, given: WizardInput, progress: Progress
    ) -> TlsTargetObservation:
        hop = hop_for(given, target)
        if hop.via_proxy:
            return await self._one_via_proxy(target, hop, given, progress)
        found = await self._one_direct(target, given, progress)
        return replace(found, route=hop.route.shown if hop.route else None)

    async def _one_via_proxy(
        self, target: Target, hop: Hop, given: WizardInput, progress: Progress
    ) -> TlsTargetObservation:
        """The route's proxy first: the handshake inside a CONNECT tunnel, as applications do.

        Direct is tried only to explain an inspected certificate (the real server's issuer).
        """
        assert hop.proxy is not None and hop.route is not None
        shown = hop.route.shown
        if hop.proxy_address is None:
            for _ in range(_STEPS_PER_TARGET):
                progress.step(f"{target.key}: skipped, the proxy {hop.proxy} has no address")
            return TlsTargetObservation(
                target=target.key, address=None, proxy=hop.proxy, route=shown
            )
        budgets = given.profile.budgets
        via = (hop.proxy, hop.proxy_address)
        port = split_proxy(hop.proxy)[1]
        rtt = asyncio.create_task(
            measure_path_rtt(hop.proxy_address, avoid_port=port, timeout=budgets.icmp)
        )
        try:
            attempts, spared = await self._handshakes(target, "", given, progress, via)
            first = attempts[0]
            progress.step(f"{target.key}: handshake through {hop.proxy}: {first.outcome}")
            follow_up = attempts[1].purpose if len(attempts) > 1 else None
            inspected = follow_up == "public-trust" and attempts[-1].outcome == "cert_error"
            addresses = given.addresses(target)
            if (inspected or first.outcome == "cert_error") and addresses:
                # the comparison that explains it: the certificate the real server sends
                attempts.append(
                    await self._attempt(target, addresses[0], "direct-inspect", given, progress)
                )
            progress.step(f"{target.key}: follow-up {follow_up or 'not needed'}")
            path = await rtt
        finally:
            rtt.cancel()
        progress.step(f"{target.key}: path RTT to the proxy by {path.method}")
        for _ in range(_STEPS_PER_TARGET * (_tested(given, target) - 1)):
            progress.step(
                f"{target.key}: the proxy {hop.proxy} resolves the name, not this computer"
            )
        return TlsTargetObservation(
            target=target.key,
            address=hop.proxy_address,
            path_rtt=path,
            attempts=tuple(attempts),
            proxy=hop.proxy,
            route=shown,
            stopped_attempts=spared,
        )

    async def _one_direct(
        self, target: Target, given: WizardInput, progress: Progress
    ) -> TlsTargetObservation:
        addresses = given.addresses(target)
        if not addresses:
            for _ in range(_STEPS_PER_TARGET):
                progress.step(f"{target.key}: skipped, the name did not resolve")
            return TlsTargetObservation(target=target.key, address=None)
        tested = addresses[:MAX_ADDRESSES]
        self._slots[target.key] = _Slots(PROBES_AT_ONCE)
        several = len(tested) > 1
        results = await side_by_side(
            [self._one_address(target, a, given, progress, several) for a in tested]
        )
        # The address a browser would use: the first that accepts a connection (an address
        # that refuses or has no route gives way to the next), else the last one tried.
        first = next(
            (n for n, r in enumerate(results) if r.attempts[0].outcome != "connect_failed"),
            len(results) - 1,
        )
        chosen = results[first]
        skipped = tuple(f"{r.address}: {r.attempts[0].connect.error}" for r in results[:first])
        return TlsTargetObservation(
            target=target.key,
            address=chosen.address,
            path_rtt=chosen.path_rtt,
            attempts=chosen.attempts,
            skipped_addresses=skipped,
            other_addresses=tuple(r for n, r in enumerate(results) if n != first),
            untested_addresses=addresses[MAX_ADDRESSES:],
            stopped_attempts=chosen.stopped_attempts,
        )

    async def _one_address(
        self, target: Target, address: str, given: WizardInput, progress: Progress, several: bool
    ) -> TlsAddressObservation:
        """The path RTT, the handshake and its follow-up on one address of the name."""
        budgets = given.profile.budgets
        where = f" on {address}" if several else ""
        lane = f" {address}" if several else ""
        rtt = asyncio.create_task(
            self._slotted(
                target,
                lambda: measure_path_rtt(address, avoid_port=target.port, timeout=budgets.icmp),
                weight=PATH_SAMPLES,  # its probes go out as one wave: each takes a slot
            )
        )
        try:
            attempts, spared = await self._handshakes(target, address, given, progress, lane=lane)
            progress.step(f"{target.key}: handshake{where} {attempts[0].outcome}")
            follow_up = attempts[1].purpose if len(attempts) > 1 else None
            progress.step(f"{target.key}: follow-up{where} {follow_up or 'not needed'}")
            path = await rtt
        finally:
            rtt.cancel()
        progress.step(f"{target.key}: path RTT{where} by {path.method}")
        return TlsAddressObservation(
            address=address, path_rtt=path, attempts=tuple(attempts), stopped_attempts=spared
        )

    async def _slotted(
        self, target: Target, job: Callable[[], Awaitable[T]], *, weight: int = 1
    ) -> T:
        """``await job()`` once ``weight`` of the target's probe slots are free (none: at
        once); the probe is made only then, so one cancelled while it waits leaves nothing
        behind."""
        slots = self._slots.get(target.key)
        if slots is None:
            return await job()
        async with slots.taken(weight):
            return await job()

    async def _handshakes(
        self,
        target: Target,
        address: str,
        given: WizardInput,
        progress: Progress,
        proxy: tuple[str, str] | None = None,
        *,
        lane: str = "",
    ) -> tuple[list[TlsObservation], tuple[StoppedAttempt, ...]]:
        """The default handshake and the follow-up its outcome calls for (started beside it),
        and the connects of the speculative ones it did not call for."""
        connects: dict[str, ConnectObservation] = {}
        spares = {
            purpose: asyncio.create_task(
                self._attempt(
                    target,
                    address,
                    purpose,
                    given,
                    progress,
                    proxy,
                    lane=lane,
                    connected=partial(connects.__setitem__, purpose),
                )
            )
            for purpose in SPECULATIVE
        }
        try:
            first = await self._attempt(
                target, address, "default", given, progress, proxy, lane=lane
            )
            attempts = [first]
            follow_up = _follow_up(first)
            if follow_up in spares:
                attempts.append(await spares.pop(follow_up))
            elif follow_up is not None:
                attempts.append(
                    await self._attempt(
                        target, address, follow_up, given, progress, proxy, lane=lane
                    )
                )
        finally:
            # their sockets close as they end: wait, so none outlives the wizard
            now = time.time()
            running = {purpose: now for purpose, task in spares.items() if not task.done()}
            await stopped(list(spares.values()))
        return attempts, _not_needed(spares, connects, running)

    async def _attempt(
        self,
        target: Target,
        address: str,
        purpose: str,
        given: WizardInput,
        progress: Progress,
        proxy: tuple[str, str] | None = None,
        *,
        lane: str = "",
        connected: Callable[[ConnectObservation], None] | None = None,
    ) -> TlsObservation:
        """One handshake for ``purpose``, once the target has a probe slot free; ``lane``
        tells the live view which address it is (`` 10.0.0.7`` when the name has several);
        ``connected`` hears its connect as soon as there is one."""
        return await self._slotted(
            target,
            lambda: self._handshake(
                target, address, purpose, given, progress, proxy, lane, connected
            ),
        )

    async def _handshake(
        self,
        target: Target,
        address: str,
        purpose: str,
        given: WizardInput,
        progress: Progress,
        proxy: tuple[str, str] | None,
        lane: str,
        connected: Callable[[ConnectObservation], None] | None = None,
    ) -> TlsObservation:
        context = self._context(purpose)
        budgets = given.profile.budgets
        named = purpose + lane
        # its lane opens once it has a slot: waiting for one is not waiting for the network
        progress.socket_event(target.key, "connect", time.time(), purpose, lane=named)

        def moment(kind: str, at: float) -> None:
            progress.socket_event(target.key, kind, at, purpose, lane=named)

        with progress.waiting(
            f"{target.key}: {named} handshake", budgets.connect + budgets.tls_handshake
        ) as wait:
            try:
                obs = await tls_handshake(
                    target,
                    address,
                    context=context,
                    purpose=purpose,
                    connect_timeout=budgets.connect,
                    handshake_timeout=budgets.tls_handshake,
                    mss=SMALL_MSS if purpose == "small-mss" else None,
                    proxy=proxy,
                    credentials=self.credentials if proxy is not None else None,
                    moments=moment,
                    connected=connected,
                )
            except asyncio.CancelledError:
                # a speculative attempt the outcome did not call for: its lane ends here
                progress.socket_event(target.key, "closed", time.time(), purpose, lane=named)
                wait.abandoned = True
                raise
            # a cancel that arrived as the handshake ended may be swallowed (3.11 wait_for):
            # the attempt was still given up, and ``stopped`` cancels it again
            task = asyncio.current_task()
            wait.abandoned = task is not None and task.cancelling() > 0
            wait.ran_out = obs.outcome == "timeout" or obs.connect.error == "timeout"
        _report_socket_events(obs, progress, named)
        log.info(
            "%s %s via %s: %s (%s)",
            target.key, purpose, proxy[0] if proxy else address, obs.outcome, obs.error or "",
        )  # fmt: skip
        return obs


_TRUST_VIEW = {
    "default": "os",
    "small-mss": "os",
    "public-trust": "public",
    "inspect": "none",
    "direct-inspect": "none",
}
"""The trust view each attempt verifies with."""


class _Slots:
    """One target's probe slots: a handshake takes one, a path round trip one per probe of
    its wave, so that no more than the slots' number of probes are ever in flight."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._free = asyncio.Semaphore(size)
        self._gathering = asyncio.Lock()
        """One taker of several slots at a time: two, each holding part of what the other
        waits for, would wait for ever."""

    @contextlib.asynccontextmanager
    async def taken(self, weight: int = 1) -> AsyncIterator[None]:
        """``weight`` slots (at most all of them), given back on leaving (also when
        cancelled while gathering)."""
        weight = min(weight, self._size)
        got = 0
        try:
            if weight == 1:
                await self._free.acquire()
                got = 1
            else:
                async with self._gathering:
                    while got < weight:
                        await self._free.acquire()
                        got += 1
            yield
        finally:
            for _ in range(got):
                self._free.release()


def _trust_contexts() -> dict[str, ssl.SSLContext]:
    return {"os": os_trust_context(), "public": public_trust_context(), "none": inspect_context()}


def _follow_up(first: TlsObservation) -> str | None:
    if first.outcome in _RETRY_SMALL_MSS and not _fatal_alert(first):
        return "small-mss"
    if first.outcome == "ok":
        return "public-trust"
    if first.outcome == "cert_error":
        return "inspect"
    return None


def _not_needed(
    spares: dict[str, asyncio.Task[TlsObservation]],
    connects: dict[str, ConnectObservation],
    stopped_at: dict[str, float],
) -> tuple[StoppedAttempt, ...]:
    """The speculative attempts left in ``spares`` (not called for), each by the connect it
    made: its result's when it ended, else the one it told as it connected (none: stopped
    before its connect returned, no local port to name); ``stopped_at``: when those still
    running were stopped."""
    found: list[StoppedAttempt] = []
    for purpose, task in spares.items():
        ended = task.done() and not task.cancelled() and task.exception() is None
        connect = task.result().connect if ended else connects.get(purpose)
        if connect is not None and connect.local_port is not None:
            found.append(
                StoppedAttempt(purpose=purpose, connect=connect, stopped_at=stopped_at.get(purpose))
            )
    return tuple(found)


def _fatal_alert(obs: TlsObservation) -> bool:
    """Whether the peer refused with a fatal TLS alert (a decision, not a lost packet)."""
    messages = parse_tls(obs.received_bytes).messages
    return any(m.name == "alert" and m.alert_level == 2 for m in messages)


def _tested(given: WizardInput, target: Target) -> int:
    """How many addresses of the target's name are tested (one when none resolved)."""
    return max(1, min(len(given.addresses(target)), MAX_ADDRESSES))


def _report_socket_events(obs: TlsObservation, progress: Progress, lane: str) -> None:
    """The moments the attempt did not tell as they happened, then its end."""
    events = [
        ("handshake-done", obs.handshake_done_at),
        ("reset", obs.reset_at),
        ("first-data", obs.first_data_at),
    ]
    for kind, at in events:
        if at is not None:
            progress.socket_event(obs.target, kind, at, lane, lane=lane)
    if obs.outcome not in ("ok", "reset"):
        progress.socket_event(obs.target, obs.outcome, obs.ended_at, obs.error or "", lane=lane)
    progress.socket_event(obs.target, "closed", obs.ended_at, lane, lane=lane)


async def _gateway() -> tuple[GatewayObservation | None, str | None]:
    loop = asyncio.get_running_loop()
    try:
        found = await loop.run_in_executor(None, _default_gateway)
    except Exception as exc:  # platform readers convert OS errors, but never lose the run
        return None, f"{type(exc).__name__}: {exc}"
    if found is None:
        return None, "no default gateway"
    return GatewayObservation(
        address=found.address, interface=found.interface, mac=found.mac, vendor=found.vendor
    ), None


def _load_gateway_reader() -> None:
    import wiresleuth.platform.gateway  # noqa: F401


def _default_gateway() -> Gateway | None:
    """The gateway, read in a thread; its modules were loaded during the lookups (``prepare``;
    imported here if not yet): imported on the event loop they held every handshake's start."""
    from wiresleuth.platform.gateway import default_gateway

    return default_gateway()
