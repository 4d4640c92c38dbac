"""Check the basics (default route, gateway, DNS servers) when nothing could be looked up.

Run only when every target's name failed: then one missing basic explains them all.
"""

from __future__ import annotations

import asyncio
import time

from wiresleuth.model.connectivity import ConnectivityObservation, ResolverCheck

PROBE_NAME = "www.example.com"
"""A name every resolver can answer for (IANA reserves it; it exists in public DNS)."""


async def _gateway() -> tuple[bool | None, str | None, str | None, str | None]:
    """(has a default route, gateway, interface, error)."""
    from wiresleuth.platform.gateway import default_gateway
    from wiresleuth.platform.unavailable import FactUnavailable

    loop = asyncio.get_running_loop()
    try:
        found = await loop.run_in_executor(None, default_gateway)
    except FactUnavailable as exc:
        return None, None, None, f"routing table: {exc}"
    if found is None:
        return False, None, None, None
    return True, found.address, found.interface, None


async def _ping(address: str, timeout: float) -> bool | None:
    from wiresleuth.probes.icmp_echo import icmp_echo_rtts

    try:
        return bool(await icmp_echo_rtts(address, count=2, timeout=timeout))
    except OSError:
        return None  # no ICMP socket here: unknown, not silent


async def _resolver(server: str, timeout: float) -> ResolverCheck:
    from wiresleuth.probes.dns_lookup import dns_query

    answer = await dns_query(PROBE_NAME, timeout=timeout, nameservers=(server,))
    # dnspython reports "every server failed" (unreachable, refused) as SERVFAIL too: only
    # an answer that names the record's fate proves the server answered
    answered = answer.rcode in ("NOERROR", "NXDOMAIN")
    return ResolverCheck(
        server=server, answered=answered, outcome=answer.rcode, error=answer.error
    )


async def check_connectivity(timeout: float) -> ConnectivityObservation:
    """The basics, each bounded by ``timeout`` seconds; never raises for network trouble."""
    from wiresleuth.probes.dns_lookup import system_nameservers

    started = time.time()
    errors: list[str] = []
    (has_route, gateway, interface, error), servers = await asyncio.gather(
        _gateway(), asyncio.get_running_loop().run_in_executor(None, system_nameservers)
    )
    if error:
        errors.append(error)
    if not servers:
        errors.append("no DNS server is configured")
    checks = await asyncio.gather(*(_resolver(s, timeout) for s in servers[:3]))
    answers = await _ping(gateway, timeout) if gateway else None
    return ConnectivityObservation(
        default_route=has_route,
        gateway=gateway,
        interface=interface,
        gateway_answers=answers,
        resolvers=tuple(checks),
        errors=tuple(errors),
        started_at=started,
        elapsed=time.time() - started,
    )
