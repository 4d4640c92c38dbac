"""MTU/DSCP wizard: which packet sizes cross the path, and is a loss the MTU or a policy?

Per server: a DF sweep in waves from 576 bytes to the interface MTU (frag-needed or silence
above the limit), one TCP exchange that makes the server send full-size segments (and the
same with MSS 536 when it stalls), and, from the capture, every flow's MSS, largest
segment, gaps and DSCP marks. Every IPv4 address a name resolves to is a server of its own
(up to ``MAX_ADDRESSES``, side by side, as the TLS wizard tests them): one load-balancer
member behind a policer or a smaller MTU is judged as such, the others beside it. When the
route goes through a proxy, the first hop that matters is the proxy: the sweep and the
exchange go there (``CONNECT``/``GET http://``).
"""

from __future__ import annotations

import asyncio
from typing import Any

from wiresleuth.model.mtu_observations import (
    MtuTargetObservation,
    MtuWizardObservations,
    SegmentAttempt,
)
from wiresleuth.model.observations import TlsObservation, TlsWizardObservations
from wiresleuth.model.plan import FlowSpec
from wiresleuth.model.target import Target
from wiresleuth.probes.first_answer import client_hello, first_answer, http_get
from wiresleuth.probes.http_wire import connect_request, proxy_get_request
from wiresleuth.probes.pmtu_sweep import sweep
from wiresleuth.wizards.base import Progress, Wizard, WizardInput
from wiresleuth.wizards.route_input import hop_for, split_proxy
from wiresleuth.wizards.tls_handshake import MAX_ADDRESSES

SMALL_MSS = 536
ANSWER_WAIT = 4.0
"""Longest wait for the server's first answer (a ServerHello comes within one RTT or two)."""
_STEPS_PER_TARGET = 2
"""Steps per server address (the sweep, the large segments)."""


class MtuPathWizard(Wizard):
    """Do large packets cross the path, and if not, is it the MTU or a QoS policy?"""

    id = "mtu"
    observation_type = MtuWizardObservations
    needs = ("route",)
    uses = ("tls",)
    """The TLS wizard's default and small-MSS handshakes are this wizard's TCP evidence for
    HTTPS targets (no second stalled handshake); HTTP targets get an exchange of its own.
    Only that evidence waits for the TLS wizard: the sweep runs beside it."""
    title = "Packet sizes and priority marks (MTU, DSCP)"
    description = (
        "Finds the largest packet that reaches each site, whether routers say so when a "
        "packet is too big, and tells an MTU black hole from a QoS policy dropping one "
        "server's large, priority-marked packets."
    )

    def _targets(self, given: WizardInput) -> list[Target]:
        return [t for t in given.targets if t.scheme in ("https", "http")]

    def flows(self, given: WizardInput) -> list[FlowSpec]:
        flows: list[FlowSpec] = []
        for target in self._targets(given):
            for address in _swept(given.addresses(target)):
                flows += [
                    FlowSpec(address=address, proto="icmp"),
                    FlowSpec(address=address, proto="tcp", port=target.port),
                ]
        return flows

    def steps(self, given: WizardInput) -> int:
        return _STEPS_PER_TARGET * sum(
            max(1, len(_swept(given.addresses(t)))) for t in self._targets(given)
        )

    async def run(self, given: WizardInput, progress: Progress) -> MtuWizardObservations:
        targets = self._targets(given)
        tls_keys: dict[str, str] = {}
        for t in given.targets:
            for a in _swept(given.addresses(t)):
                if t.scheme == "https":
                    tls_keys.setdefault(a, t.key)
        handshakes: asyncio.Task[Handshakes] | None = None
        if any(t.scheme == "https" for t in targets):
            handshakes = asyncio.create_task(_tls_handshakes(given))
        try:
            results = await asyncio.gather(
                *(self._one(t, given, progress, tls_keys, handshakes) for t in targets)
            )
        finally:
            if handshakes is not None:
                handshakes.cancel()
        return MtuWizardObservations(targets=tuple(o for found in results for o in found))

    def not_tested(self, given: WizardInput) -> dict[str, str]:
        kept = {t.key for t in self._targets(given)}
        return {t.key: "not a web site" for t in given.targets if t.key not in kept}

    async def _one(
        self,
        target: Target,
        given: WizardInput,
        progress: Progress,
        tls_keys: dict[str, str],
        handshakes: asyncio.Task[Handshakes] | None,
    ) -> list[MtuTargetObservation]:
        """One observation per server address of the target (the route's proxy, else every
        IPv4 address of its name); one without a sweep when there is none."""
        hop = hop_for(given, target)
        addresses = given.addresses(target)
        if hop.via_proxy:
            # the first hop that matters: the proxy; beyond it the proxy's own path applies
            for _ in range(_STEPS_PER_TARGET * (len(_swept(addresses)) - 1)):
                progress.step(f"{target.key}: its other addresses: reached through the proxy")
            addresses = (hop.proxy_address,) if hop.proxy_address else ()
        swept = _swept(addresses)
        if not swept or ":" in swept[0]:
            for _ in range(_STEPS_PER_TARGET):
                progress.step(f"{target.key}: skipped (no IPv4 address)")
            return [
                MtuTargetObservation(
                    target=target.key,
                    address=addresses[0] if addresses else None,
                    scheme=target.scheme,
                )
            ]
        one_wave = asyncio.Lock()  # the addresses' sweeps side by side, one wave at a time
        return list(
            await asyncio.gather(
                *(
                    self._at(
                        target, address, given, progress, tls_keys, handshakes, hop.proxy,
                        one_wave,
                    )
                    for address in swept
                )
            )
        )

    async def _at(
        self,
        target: Target,
        address: str,
        given: WizardInput,
        progress: Progress,
        tls_keys: dict[str, str],
        handshakes: asyncio.Task[Handshakes] | None,
        proxy: str | None,
        one_wave: asyncio.Lock,
    ) -> MtuTargetObservation:
        """The sweep and the large segments towards one address of the target (the route's
        ``proxy``, when it goes through one)."""
        budgets = given.profile.budgets
        where = (
            target.key if len(_swept(given.addresses(target))) < 2 else f"{target.key} at {address}"
        )

        async def swept() -> Any:
            with progress.waiting(f"{where}: DF sweep to {address}", None):
                result = await sweep(address, budget=budgets.icmp, one_wave=one_wave)
            progress.step(f"{where}: path MTU {result.path_mtu or 'unknown'}")
            return result

        known: tuple[str | None, str | None] = (None, None)

        async def tcp() -> tuple[SegmentAttempt, ...]:
            nonlocal known
            if target.scheme == "https" and handshakes is not None:
                known = (await asyncio.shield(handshakes)).get((target.key, address), (None, None))
            if known[0] is not None:
                progress.step(f"{where}: large segments: the TLS wizard's handshakes")
                return ()
            attempts = [await self._exchange(target, address, given, None, progress)]
            if attempts[0].outcome in ("silent", "eof"):
                attempts.append(await self._exchange(target, address, given, SMALL_MSS, progress))
            progress.step(
                f"{where}: large segments "
                + ", ".join(f"{a.purpose} {a.outcome}" for a in attempts)
            )
            return tuple(attempts)

        result, attempts = await asyncio.gather(swept(), tcp())
        return MtuTargetObservation(
            target=target.key,
            address=address,
            scheme=target.scheme,
            sweep=result,
            tcp=attempts,
            tls_default=known[0],
            tls_small_mss=known[1],
            finding_target=tls_keys.get(address, target.key),
            proxy=proxy,
        )

    async def _exchange(
        self, target: Target, address: str, given: WizardInput, mss: int | None,
        progress: Progress,
    ) -> SegmentAttempt:  # fmt: skip
        budgets = given.profile.budgets
        hop = hop_for(given, target)
        port = target.port
        if hop.via_proxy and hop.proxy is not None:
            port = split_proxy(hop.proxy)[1]
            if target.scheme == "https":
                request, trigger = connect_request(target.key), "proxy-connect"
            else:
                request, trigger = proxy_get_request(target.url, target.host), "proxy-get"
        elif target.scheme == "https":
            request, trigger = client_hello(target.host), "tls-client-hello"
        else:
            request, trigger = http_get(target.host, target.path), "http-get"
        purpose = "default" if mss is None else "small-mss"
        answer_wait = min(budgets.tls_handshake, ANSWER_WAIT)
        with progress.waiting(
            f"{target.key}: {purpose} exchange", budgets.connect + answer_wait
        ) as wait:
            attempt = await first_answer(
                address,
                port,
                request,
                trigger=trigger,
                purpose=purpose,
                connect_timeout=budgets.connect,
                answer_timeout=answer_wait,
                mss=mss,
            )
            wait.ran_out = attempt.outcome == "silent"
        if attempt.sent_at is not None:
            progress.socket_event(target.key, "mtu-request", attempt.sent_at, purpose)
        if attempt.first_byte_at is not None:
            progress.socket_event(target.key, "mtu-first-byte", attempt.first_byte_at, purpose)
        return attempt


Handshakes = dict[tuple[str, str], tuple[str | None, str | None]]
"""(target key, address) -> the TLS wizard's (default, small-MSS) handshakes there."""


def _swept(addresses: tuple[str, ...]) -> tuple[str, ...]:
    """The addresses of a name that are swept: its IPv4 ones among those the TLS wizard
    tests (the DF sweep is IPv4's); its first alone when it has none (said skipped)."""
    ipv4 = tuple(a for a in addresses[:MAX_ADDRESSES] if ":" not in a)
    return ipv4 or addresses[:1]


async def _tls_handshakes(given: WizardInput) -> Handshakes:
    """The TLS wizard's handshakes once it has finished (empty when it did not run)."""
    tls = await given.observations_when_ready("tls", TlsWizardObservations)
    return _tls_outcomes(tls) if tls is not None else {}


def _tls_outcomes(tls: TlsWizardObservations) -> Handshakes:
    """(target key, address) -> (default, small-MSS) as ``answered`` / ``silent`` / other
    outcome, on every address the TLS wizard tested."""
    out: Handshakes = {}
    for target in tls.targets:
        for tested in target.by_address():
            view = target.on_address(tested)
            default = view.attempt("default")
            if default is None or default.outcome == "connect_failed":
                continue
            small = view.attempt("small-mss")
            out[(target.target, tested.address)] = (
                _answered(default),
                _answered(small) if small is not None else None,
            )
    return out


def _answered(attempt: TlsObservation) -> str:
    """``answered`` when the peer's bytes came back, read or left waiting unread (the program
    was late, not the path); ``silent`` when none did; else the outcome (a tunnel that
    failed, its proxy's answer unread or not, is not the server's answer)."""
    silent = attempt.outcome in ("timeout", "eof", "tls_error")
    if attempt.first_byte_at is not None or (silent and attempt.unread_bytes):
        return "answered"
    return "silent" if silent else attempt.outcome
