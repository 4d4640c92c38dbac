"""dns.nxdomain_rewritten from a capture: answers with addresses for names that do not exist.

Some resolvers (ISPs, "search assist" appliances) answer a name that does not exist with the
address of their own web server, so that a typo lands on their page; software that expects
"no such name" (a PAC lookup, a WPAD probe, a fallback to direct) then talks to that server
instead and waits. A capture shows it two ways:

- an answer whose status is NXDOMAIN but which carries addresses anyway;
- an address given for a name that is certainly made up: Chromium probes the network with
  random single-label names of 7 to 15 letters to detect exactly this rewriting.

Messages are parsed with dnspython (imported only when the capture has DNS); what it cannot
parse is skipped.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from wiresleuth.analysis.passive_common import make_finding, plural
from wiresleuth.analysis.passive_model import DnsMessage, PassiveCapture
from wiresleuth.model.finding import Evidence, Finding, Severity

if TYPE_CHECKING:
    import dns.message

_RANDOM_PROBE = re.compile(r"^[a-z]{7,15}\.?$")
_A, _AAAA, _NOERROR, _NXDOMAIN = 1, 28, 0, 3


@dataclass(frozen=True)
class _Rewrite:
    resolver: str
    name: str
    addresses: tuple[str, ...]
    query: int | None
    answer: int
    why: str


def _parse(message: DnsMessage) -> dns.message.Message | None:
    import dns.exception
    import dns.message

    try:
        return dns.message.from_wire(message.payload, ignore_trailing=True)
    except (dns.exception.DNSException, ValueError, UnicodeError, IndexError, KeyError):
        return None


def _addresses(msg: dns.message.Message) -> tuple[str, ...]:
    return tuple(
        item.to_text() for rrset in msg.answer if rrset.rdtype in (_A, _AAAA) for item in rrset
    )


def rewritten_answers(capture: PassiveCapture) -> list[Finding]:
    """One finding per resolver that gave addresses for names that do not exist."""
    queries: dict[tuple[str, str, int], int] = {}
    found: dict[str, list[_Rewrite]] = defaultdict(list)
    for message in capture.dns:
        msg = _parse(message)
        if msg is None or not msg.question:
            continue
        name = msg.question[0].name.to_text().lower()
        if not msg.flags & 0x8000:  # a query
            queries[(message.src, message.dst, msg.id)] = message.number
            continue
        addresses = _addresses(msg)
        if not addresses:
            continue
        query = queries.get((message.dst, message.src, msg.id))
        if msg.rcode() == _NXDOMAIN:
            why = "the answer says NXDOMAIN (no such name) yet carries addresses"
        elif msg.rcode() == _NOERROR and _RANDOM_PROBE.match(name):
            why = "a random made-up name (a browser's check for this rewriting) got addresses"
        else:
            continue
        found[message.src].append(
            _Rewrite(message.src, name, addresses, query, message.number, why)
        )
    return [_finding(resolver, rewrites) for resolver, rewrites in found.items()]


def _finding(resolver: str, rewrites: list[_Rewrite]) -> Finding:
    first = rewrites[0]
    shown = ", ".join(first.addresses[:4])
    evidence = [
        Evidence(
            text=f"{first.name} -> {shown}: {first.why}",
            packets=tuple(n for n in (first.query, first.answer) if n is not None),
            addresses=(resolver, *first.addresses[:4]),
            data={"name": first.name, "addresses": list(first.addresses)},
        )
    ]
    if len(rewrites) > 1:
        names = sorted({r.name for r in rewrites})
        evidence.append(
            Evidence(
                text=f"{plural(len(rewrites), 'answer')} of this kind, for {', '.join(names[:5])}",
                packets=tuple(r.answer for r in rewrites[:10]),
                data={"names": names[:50]},
            )
        )
    return make_finding(
        "dns.nxdomain_rewritten",
        Severity.PROBLEM,
        f"The name server {resolver} answers names that do not exist",
        (
            f"The name server {resolver} gives an address even for names that do not exist. "
            "Programs that expect 'no such name' (proxy auto-configuration, fallbacks) then "
            "talk to the wrong server and wait. Tell the helpdesk which network this was."
        ),
        (
            f"{first.why}: {first.name} -> {shown}. NXDOMAIN rewriting by the resolver (ISP "
            "'search assist', DNS appliance). Use resolvers that do not rewrite, or exempt the "
            "names your PAC/WPAD logic relies on."
        ),
        evidence,
        target=resolver,
        resolver=resolver,
        names=sorted({r.name for r in rewrites})[:50],
        addresses=list(first.addresses),
    )
