"""DNS queries with dnspython against the system's resolvers: answer, TTL, who answered.

The system resolver API (getaddrinfo) hides TTLs and NXDOMAIN versus timeout; asking the same
servers directly shows them. Names are asked absolute (no search list) so a random test name
is exactly that name.
"""

from __future__ import annotations

import secrets
import time

import dns.asyncbackend
import dns.asyncresolver
import dns.exception
import dns.resolver

from wiresleuth.model.pac_observations import DnsAnswerObservation


def system_nameservers() -> tuple[str, ...]:
    """The resolvers the system uses (empty when none is configured or readable)."""
    try:
        return tuple(str(n) for n in dns.resolver.Resolver().nameservers)
    except (dns.exception.DNSException, OSError):
        return ()


def random_label(length: int = 20) -> str:
    """A random DNS label that no zone holds (lower-case letters and digits, 'ws-' prefix)."""
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    return "ws-" + "".join(secrets.choice(alphabet) for _ in range(length))


def load_backend() -> None:
    """Load what dnspython's first query on an event loop loads (its asyncio backend, and
    sniffio to find out that the loop is asyncio's: 0.01-0.02 s), from a thread before the
    loop needs it; this program's loops are always asyncio's."""
    dns.asyncbackend.set_default_backend("asyncio")


def _resolver(nameservers: tuple[str, ...] | None, port: int) -> dns.asyncresolver.Resolver:
    if nameservers is None:
        return dns.asyncresolver.Resolver()
    resolver = dns.asyncresolver.Resolver(configure=False)
    resolver.nameservers = list(nameservers)
    resolver.port = port
    return resolver


async def dns_query(
    name: str,
    qtype: str = "A",
    *,
    timeout: float,
    nameservers: tuple[str, ...] | None = None,
    port: int = 53,
) -> DnsAnswerObservation:
    """Ask the system's resolvers (or ``nameservers``) for ``name``; never raises."""
    started = time.time()
    clock = time.monotonic()
    name = name.rstrip(".")

    def result(rcode: str, **kw: object) -> DnsAnswerObservation:
        return DnsAnswerObservation(
            name=name,
            qtype=qtype,
            started_at=started,
            elapsed=time.monotonic() - clock,
            rcode=rcode,
            **kw,  # type: ignore[arg-type]
        )

    try:
        resolver = _resolver(nameservers, port)
    except (dns.exception.DNSException, OSError) as exc:
        return result("no_nameservers", error=str(exc) or type(exc).__name__)
    try:
        answer = await resolver.resolve(
            name + ".", qtype, search=False, raise_on_no_answer=False, lifetime=timeout
        )
    except dns.resolver.NXDOMAIN:
        return result("NXDOMAIN", error="no such name")
    except dns.resolver.LifetimeTimeout:
        return result("timeout", error=f"no answer within {timeout:g} s")
    except dns.resolver.NoNameservers as exc:
        return result("SERVFAIL", error=str(exc))
    except (dns.exception.DNSException, OSError, ValueError) as exc:
        return result("error", error=str(exc) or type(exc).__name__)
    rrset = answer.rrset
    addresses = tuple(str(item.address) for item in rrset) if rrset is not None else ()
    cname = str(answer.canonical_name).rstrip(".")
    return result(
        "NOERROR",
        addresses=addresses,
        ttl=int(rrset.ttl) if rrset is not None else None,
        server=str(answer.nameserver) if answer.nameserver else None,
        cname=cname if cname != name else None,
    )
