"""dns.nxdomain_rewritten: answers with addresses for names that do not exist, concluded here.

The PAC check asks random names itself (``Rewriting`` made by ``pac_findings``); a capture
taken elsewhere shows it in its DNS answers.

Some resolvers (ISPs, "search assist" appliances) answer a name that does not exist with the
address of their own web server, so that a typo lands on their page; software that expects
"no such name" (a PAC lookup, a WPAD probe, a fallback to direct) then talks to that server
instead and waits. A capture shows it three ways, each a property of the mechanism rather
than of one probe's shape:

- an answer whose status is NXDOMAIN but which carries addresses anyway;
- an address given for a name that is certainly made up (``made_up_names``: random where
  people choose names, e.g. Chromium's random single labels or ``3439ur09dhiolh32ljha.net``);
- the same addresses given for several names that are each unlikely to exist and cannot
  all exist (under different registered domains: a rewriting resolver answers every such
  name alike, where a CDN gives one address to many names of one domain).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from wiresleuth.analysis.dns_exchanges import NOERROR, NXDOMAIN, DnsExchange, dns_exchanges
from wiresleuth.analysis.made_up_names import made_up, registered_label, unlikely
from wiresleuth.analysis.passive_common import plural
from wiresleuth.analysis.passive_model import WIZARD, PassiveCapture
from wiresleuth.model.finding import Evidence, Finding, Severity

SAME_ANSWER = 3
"""Names unlikely to exist that, given the same addresses by one server, prove rewriting."""


@dataclass(frozen=True)
class _Rewrite:
    resolver: str
    name: str
    addresses: tuple[str, ...]
    query: int | None
    answer: int
    why: str


def rewritten_answers(
    capture: PassiveCapture, exchanges: list[DnsExchange] | None = None
) -> list[Finding]:
    """One finding per resolver that gave addresses for names that do not exist."""
    found: dict[str, dict[int, _Rewrite]] = defaultdict(dict)
    alike: dict[tuple[str, frozenset[str]], dict[str, DnsExchange]] = defaultdict(dict)
    for exchange in dns_exchanges(capture.dns) if exchanges is None else exchanges:
        answer = exchange.answer
        if answer is None or not answer.addresses:
            continue
        why = None
        if answer.rcode == NXDOMAIN:
            why = "the answer says NXDOMAIN (no such name) yet carries addresses"
        elif answer.rcode == NOERROR:
            reason = made_up(exchange.name)
            if reason is not None:
                why = f"{reason} got addresses"
            elif unlikely(exchange.name):
                key = (exchange.server, frozenset(answer.addresses))
                alike[key].setdefault(exchange.name, exchange)
        if why is not None:
            found[exchange.server][answer.frame] = _rewrite(exchange, why)
    for (server, addresses), names in alike.items():
        if len({registered_label(name) for name in names}) < SAME_ANSWER:
            continue  # names under one registered domain may all exist (a CDN's aliases)
        shown = ", ".join(sorted(addresses)[:2])
        for exchange in names.values():
            why = (
                f"{len(names)} names that cannot all exist ({', '.join(sorted(names)[:3])}) "
                f"all got {shown}"
            )
            assert exchange.answer is not None
            found[server].setdefault(exchange.answer.frame, _rewrite(exchange, why))
    return [
        _finding(resolver, sorted(rewrites.values(), key=lambda r: r.answer))
        for resolver, rewrites in found.items()
    ]


def _rewrite(exchange: DnsExchange, why: str) -> _Rewrite:
    assert exchange.answer is not None
    return _Rewrite(
        exchange.server,
        exchange.name,
        exchange.answer.addresses,
        exchange.query_frame,
        exchange.answer.frame,
        why,
    )


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
    return nxdomain_rewritten(
        Rewriting(
            resolver=resolver,
            why=first.why,
            example=f"{first.name} -> {shown}",
            names=tuple(sorted({r.name for r in rewrites})[:50]),
            addresses=first.addresses,
            evidence=tuple(evidence),
        )
    )


@dataclass(frozen=True, kw_only=True)
class Rewriting:
    """A resolver that gives addresses to names that do not exist."""

    resolver: str | None
    """The name server's address; None: this computer's name servers (not told apart)."""
    why: str
    """Why the names cannot exist, in words."""
    example: str
    """One name and what it got."""
    names: tuple[str, ...]
    """The names answered."""
    addresses: tuple[str, ...]
    """The invented addresses."""
    evidence: tuple[Evidence, ...] = ()
    """The answers (and what answers at the invented addresses)."""
    server_header: str | None = None
    """The Server header of what answers at the invented address, when asked."""
    pac_host: str | None = None
    """A PAC host name that resolves to the invented address (it likely does not exist)."""
    target: str | None = None
    """What the finding is about when not the resolver (the PAC server it misleads)."""


def nxdomain_rewritten(found: Rewriting, *, wizard: str = WIZARD) -> Finding:
    """The finding of a rewriting resolver."""
    who = f"The name server {found.resolver}" if found.resolver else "Your name server"
    extra = (
        f" The PAC name {found.pac_host} resolves to that same address: it most likely does not "
        "exist on this network, and the answer is the resolver's invention."
        if found.pac_host
        else ""
    )
    values: dict[str, object] = {
        "resolver": found.resolver,
        "names": list(found.names),
        "addresses": list(found.addresses),
        "pac_host_affected": found.pac_host is not None,
    }
    if found.server_header is not None:
        values["server"] = found.server_header
    return Finding(
        id="dns.nxdomain_rewritten",
        severity=Severity.PROBLEM,
        title=f"{who} invents addresses for names that do not exist",
        user_text=(
            f"{who} gives an address even for names that do not exist (typically an Internet "
            "provider's search page). Programs that expect a quick 'no such name' (proxy "
            "auto-configuration, fallbacks) then talk to the wrong server and wait."
            + extra
            + " Tell the helpdesk which network this was."
        ),
        engineer_text=(
            f"{found.why}: {found.example}. NXDOMAIN rewriting by the resolver (ISP 'search "
            "assist', DNS appliance). Use resolvers that do not rewrite (or opt out with the "
            "provider), or exempt the names your PAC/WPAD logic relies on." + extra
        ),
        wizard=wizard,
        target=found.target or found.resolver,
        evidence=found.evidence,
        values=values,
    )
