"""The BPF filter that limits capture to this program's own flows (and ICMP errors about them).

We capture only what we declared, for privacy (no bystander traffic ends up in a bundle)
and to keep the capture small. ICMP errors about our packets (frag-needed, unreachable,
time exceeded) are sent by routers, not by the peer, so they are matched on the copy of
our packet's IP header they quote, not on their own source address.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from wiresleuth.errors import BadInput
from wiresleuth.model.plan import FlowSpec

NOTHING = "less 1"
"""Matches no real packet (every frame is longer than one byte); libpcap accepts it,
whereas contradictions such as ``ip and not ip`` are rejected at compile time."""

_ICMP4_ERRORS = (
    "(icmp[icmptype] == icmp-unreach or icmp[icmptype] == icmp-timxceed "
    "or icmp[icmptype] == icmp-paramprob or icmp[icmptype] == icmp-sourcequench)"
)
# ICMPv6 error messages are types 1..4: unreachable, packet too big, time exceeded, parameter.
_ICMP6_ERRORS = "(icmp6[icmp6type] >= 1 and icmp6[icmp6type] <= 4)"
# Offsets of the quoted header's source and destination: ICMP header (8 bytes), then the
# original IPv4 header (src at 12, dst at 16) or IPv6 header (src at 8, dst at 24).
_V4_QUOTED_SRC, _V4_QUOTED_DST = 20, 24
_V6_QUOTED_SRC, _V6_QUOTED_DST = 16, 32


def _address(spec: FlowSpec) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    try:
        return ipaddress.ip_address(spec.address)
    except ValueError as exc:
        raise BadInput(f"flow address {spec.address!r} is not an IP address") from exc


def _quoted_match(addr: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    """Packets whose quoted (inner) header has ``addr`` as source or destination."""
    if addr.version == 4:
        word = f"0x{int(addr):08x}"
        return f"(icmp[{_V4_QUOTED_SRC}:4] == {word} or icmp[{_V4_QUOTED_DST}:4] == {word})"
    packed = addr.packed
    words = [int.from_bytes(packed[i : i + 4], "big") for i in range(0, 16, 4)]

    def at(base: int) -> str:
        return " and ".join(f"icmp6[{base + 4 * i}:4] == 0x{w:08x}" for i, w in enumerate(words))

    return f"(({at(_V6_QUOTED_SRC)}) or ({at(_V6_QUOTED_DST)}))"


def build_filter(flows: Iterable[FlowSpec]) -> str:
    """A libpcap filter matching only the given flows and ICMP errors about them.

    No flows gives a filter that matches nothing (never one that matches everything).
    """
    # host -> ordered, de-duplicated protocol clauses
    clauses: dict[str, dict[str, None]] = {}
    versions: dict[str, int] = {}
    for spec in flows:
        addr = _address(spec)
        host = str(addr)
        proto = spec.proto.lower()
        if proto not in ("tcp", "udp", "icmp", "icmp6"):
            raise BadInput(f"flow protocol {spec.proto!r} is not tcp, udp or icmp")
        if proto in ("tcp", "udp"):
            if spec.port is None:
                clause = proto
            elif isinstance(spec.port, int) and 0 < spec.port < 65536:
                clause = f"{proto} port {spec.port}"
            else:
                raise BadInput(f"flow port {spec.port!r} is not a number from 1 to 65535")
        else:
            clause = "icmp" if addr.version == 4 else "icmp6"
        clauses.setdefault(host, {})[clause] = None
        versions[host] = addr.version
    if not clauses:
        return NOTHING
    terms: list[str] = []
    for host, protos in clauses.items():
        inner = " or ".join(protos)
        terms.append(
            f"(host {host} and ({inner}))" if len(protos) > 1 else f"(host {host} and {inner})"
        )
    for host in clauses:
        addr = ipaddress.ip_address(host)
        if versions[host] == 4:
            terms.append(f"(icmp and {_ICMP4_ERRORS} and {_quoted_match(addr)})")
        else:
            terms.append(f"(icmp6 and {_ICMP6_ERRORS} and {_quoted_match(addr)})")
    return " or ".join(terms)
