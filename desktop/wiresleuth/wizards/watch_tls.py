"""The watch's TLS check: one handshake per resolved address of each HTTPS target, nothing more.

A watch repeats a light check every few minutes, so this is the TLS wizard's first step
alone (its ``_attempt``: the handshake as a browser makes it, along the route), on every
address a name resolves to rather than the first that connects, and without follow-ups
(small MSS, public trust, inspection): those belong to the full diagnosis that runs at once
when an attempt fails. It has the TLS wizard's id and observations, shaped as that wizard
shapes them (one ``TlsTargetObservation`` per name, the name's other addresses in
``other_addresses``), so the TLS interpretation judges it as it judges a run and says how
many of how many addresses failed, naming them ("1 of 3 addresses of portal.example.com
reset after the ClientHello: 10.0.0.9").
"""

from __future__ import annotations

import asyncio

from wiresleuth.model.observations import (
    TlsAddressObservation,
    TlsTargetObservation,
    TlsWizardObservations,
)
from wiresleuth.model.plan import FlowSpec
from wiresleuth.model.target import Target
from wiresleuth.wizards.base import Progress, WizardInput
from wiresleuth.wizards.route_input import hop_for, split_proxy
from wiresleuth.wizards.tls_handshake import TlsHandshakeWizard, _gateway

MAX_ADDRESSES = 8
"""Addresses of one name tested per attempt (IPv4 and IPv6 together)."""


class WatchTlsWizard(TlsHandshakeWizard):
    """Does the secure greeting complete on every address of each site, right now?"""

    title = "Secure connection (TLS) handshake per address"
    description = "One TLS handshake to every address of each site, as a browser makes it."

    def _addresses(self, target: Target, given: WizardInput) -> tuple[str, ...]:
        return given.addresses(target)[:MAX_ADDRESSES]

    def flows(self, given: WizardInput) -> list[FlowSpec]:
        flows: list[FlowSpec] = []
        for target in self._targets(given):
            hop = hop_for(given, target)
            if hop.via_proxy and hop.proxy is not None and hop.proxy_address is not None:
                port = split_proxy(hop.proxy)[1]
                flows.append(FlowSpec(address=hop.proxy_address, proto="tcp", port=port))
                continue
            for address in self._addresses(target, given):
                flows.append(FlowSpec(address=address, proto="tcp", port=target.port))
        return flows

    def steps(self, given: WizardInput) -> int:
        return sum(max(1, len(self._addresses(t, given))) for t in self._targets(given))

    async def run(self, given: WizardInput, progress: Progress) -> TlsWizardObservations:
        await self._contexts_loaded()
        per_target = await asyncio.gather(
            *(self._every_address(target, given, progress) for target in self._targets(given))
        )
        gateway, error = await _gateway()
        return TlsWizardObservations(
            targets=tuple(obs for found in per_target for obs in found),
            gateway=gateway,
            gateway_error=error,
        )

    async def _every_address(
        self, target: Target, given: WizardInput, progress: Progress
    ) -> list[TlsTargetObservation]:
        hop = hop_for(given, target)
        shown = hop.route.shown if hop.route else None
        if hop.via_proxy:
            if hop.proxy is None or hop.proxy_address is None:
                progress.step(f"{target.key}: skipped, the proxy {hop.proxy} has no address")
                return [
                    TlsTargetObservation(
                        target=target.key, address=None, proxy=hop.proxy, route=shown
                    )
                ]
            via = (hop.proxy, hop.proxy_address)
            first = await self._attempt(target, "", "default", given, progress, via)
            progress.step(f"{target.key}: handshake through {hop.proxy}: {first.outcome}")
            return [
                TlsTargetObservation(
                    target=target.key,
                    address=hop.proxy_address,
                    attempts=(first,),
                    proxy=hop.proxy,
                    route=shown,
                )
            ]
        addresses = given.addresses(target)
        if not addresses:
            progress.step(f"{target.key}: skipped, the name did not resolve")
            return [TlsTargetObservation(target=target.key, address=None, route=shown)]
        tested = addresses[:MAX_ADDRESSES]

        async def one(address: str) -> TlsAddressObservation:
            first = await self._attempt(target, address, "default", given, progress)
            progress.step(f"{target.key} at {address}: handshake {first.outcome}")
            return TlsAddressObservation(address=address, attempts=(first,))

        results = list(await asyncio.gather(*(one(address) for address in tested)))
        return [_as_the_full_run_has_it(target, results, addresses[MAX_ADDRESSES:], shown)]


def _as_the_full_run_has_it(
    target: Target,
    results: list[TlsAddressObservation],
    untested: tuple[str, ...],
    route: str | None,
) -> TlsTargetObservation:
    """One observation per name, as the TLS wizard makes it: the address a browser would
    use first (the first that accepted a connection, else the last tried), every other in
    ``other_addresses``. The TLS interpretation then judges the name over all its addresses
    and says how many of how many failed, naming them (``analysis.some_addresses``)."""
    first = next(
        (n for n, r in enumerate(results) if r.attempts[0].outcome != "connect_failed"),
        len(results) - 1,
    )
    chosen = results[first]
    return TlsTargetObservation(
        target=target.key,
        address=chosen.address,
        attempts=chosen.attempts,
        skipped_addresses=tuple(
            f"{r.address}: {r.attempts[0].connect.error}" for r in results[:first]
        ),
        other_addresses=tuple(r for n, r in enumerate(results) if n != first),
        untested_addresses=untested,
        route=route,
    )
