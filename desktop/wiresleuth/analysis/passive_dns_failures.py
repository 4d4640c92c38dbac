"""dns.server_failure and dns.no_answer: lookups that failed at the name server.

The rules read DnsExchanges (``dns_exchanges``). A failure counts only if it lasted: when the
same client got an answer for the same name and type afterwards (from this server or
another: stub resolvers ask the next server, retry, or ask two at once), the lookup
recovered and nothing is said.

- Server failure: the answer is SERVFAIL (the server could not resolve: the domain's own
  servers are unreachable or its DNSSEC is broken) or REFUSED (the server does not serve
  this client). Reverse lookups (PTR) fail often and harmlessly (private addresses the
  public DNS does not know): alone they are only info.
- No answer: a query nothing answered, although the client asked again (this server or
  another: it was waiting for that answer) and the capture went on for ANSWER_WAIT more.
"""

from __future__ import annotations

from collections import defaultdict

from wiresleuth.analysis.dns_exchanges import (
    PTR,
    REFUSED,
    SERVFAIL,
    DnsExchange,
    dns_exchanges,
)
from wiresleuth.analysis.passive_common import make_finding, ms, plural
from wiresleuth.analysis.passive_model import PassiveCapture
from wiresleuth.model.finding import Evidence, Finding, Severity

ANSWER_WAIT = 2.0
"""Seconds without an answer after which a query counts as unanswered (resolvers answer in
milliseconds, or a client retries after 1 to 5 s)."""
_TYPE_NAMES = {1: "A", 2: "NS", 5: "CNAME", 6: "SOA", 12: "PTR", 15: "MX", 16: "TXT", 28: "AAAA",
               33: "SRV", 65: "HTTPS"}  # fmt: skip


def _queries(count: int) -> str:
    return "1 query" if count == 1 else f"{count} queries"


def _shown(names: list[str]) -> list[str]:
    """Names as people write them (without the final dot)."""
    return [name.rstrip(".") or "." for name in names]


def type_name(qtype: int) -> str:
    """``A``, ``AAAA``, ``TYPE99``."""
    return _TYPE_NAMES.get(qtype, f"TYPE{qtype}")


def _answered_at(exchanges: list[DnsExchange]) -> dict[tuple[str, str, int], float]:
    """(client, name, type) -> when it last got an answer that settles it (an address, or
    NXDOMAIN: any answer but SERVFAIL/REFUSED)."""
    settled: dict[tuple[str, str, int], float] = {}
    for e in exchanges:
        if e.answer is not None and e.answer.rcode not in (SERVFAIL, REFUSED):
            key = (e.client, e.name, e.qtype)
            settled[key] = max(settled.get(key, 0.0), e.answer.time)
    return settled


def _capture_end(capture: PassiveCapture) -> float:
    ends = [m.time for m in capture.dns[-1:]] + [c.end for c in capture.conversations]
    ends += [n.time for n in capture.icmp[-1:]]
    return max(ends, default=0.0)


# -- server failure --------------------------------------------------------------------------


def server_failures(
    capture: PassiveCapture, exchanges: list[DnsExchange] | None = None
) -> list[Finding]:
    """One finding per server that answered SERVFAIL/REFUSED to lookups that never recovered."""
    exchanges = dns_exchanges(capture.dns) if exchanges is None else exchanges
    settled = _answered_at(exchanges)
    failed: dict[str, list[DnsExchange]] = defaultdict(list)
    for e in exchanges:
        if e.answer is None or e.answer.rcode not in (SERVFAIL, REFUSED):
            continue
        if settled.get((e.client, e.name, e.qtype), 0.0) > e.answer.time:
            continue  # answered afterwards: recovered
        failed[e.server].append(e)
    return [_failure(server, found) for server, found in failed.items()]


def _failure(server: str, found: list[DnsExchange]) -> Finding:
    first = found[0]
    assert first.answer is not None
    names = sorted({e.name for e in found})
    codes = sorted({e.answer.rcode_name for e in found if e.answer is not None})
    reverse_only = all(e.qtype == PTR for e in found)
    evidence = [
        Evidence(
            text=f"{type_name(first.qtype)} {first.name}: {first.answer.rcode_name} from {server}",
            packets=first.frames,
            addresses=(server, first.client),
            data={"name": first.name, "rcode": first.answer.rcode_name},
        )
    ]
    if len(found) > 1:
        evidence.append(
            Evidence(
                text=(
                    f"{plural(len(found), 'lookup')} failed this way, for "
                    f"{', '.join(_shown(names)[:5])}"
                ),
                packets=tuple(e.answer.frame for e in found[:10] if e.answer is not None),
                data={"names": names[:50]},
            )
        )
    refused = codes == ["REFUSED"]
    meaning = (
        "it does not serve this computer (REFUSED): a resolver set up for another network"
        if refused
        else "it could not resolve them (SERVFAIL): the domain's own name servers are "
        "unreachable or its DNSSEC signatures are broken, or the resolver itself is failing"
    )
    return make_finding(
        "dns.server_failure",
        Severity.INFO if reverse_only else Severity.WARNING,
        f"The name server {server} failed to look up {plural(len(names), 'name')}",
        (
            f"The name server {server} could not answer "
            f"{'reverse lookups' if reverse_only else 'lookups of ' + ', '.join(_shown(names)[:3])}. "
            + (
                "That only hides some computer names; nothing depends on it."
                if reverse_only
                else "Programs that need these names cannot connect. Tell the helpdesk."
            )
        ),
        (
            f"{plural(len(found), 'answer')} {'/'.join(codes)} from {server} (first: frame "
            f"{first.answer.frame}, {type_name(first.qtype)} {first.name}), never answered "
            f"afterwards by any server: {meaning}."
        ),
        evidence,
        target=server,
        server=server,
        names=names[:50],
        rcodes=codes,
        lookups=len(found),
    )


# -- no answer -------------------------------------------------------------------------------


def unanswered_queries(
    capture: PassiveCapture, exchanges: list[DnsExchange] | None = None
) -> list[Finding]:
    """One finding per server that left lookups unanswered (and nobody else answered them)."""
    exchanges = dns_exchanges(capture.dns) if exchanges is None else exchanges
    settled = _answered_at(exchanges)
    answering = {e.server for e in exchanges if e.answer is not None}
    end = _capture_end(capture)
    asked: dict[tuple[str, str, str, int], list[DnsExchange]] = defaultdict(list)
    tries: dict[tuple[str, str, int], int] = defaultdict(int)
    for e in exchanges:
        if e.query_time is not None:
            asked[(e.server, e.client, e.name, e.qtype)].append(e)
            tries[(e.client, e.name, e.qtype)] += 1
    silent: dict[str, list[list[DnsExchange]]] = defaultdict(list)
    for (server, client, name, qtype), queries in asked.items():
        lost = [q for q in queries if q.answer is None]
        if not lost or settled.get((client, name, qtype), 0.0) > (lost[0].query_time or 0.0):
            continue
        if tries[(client, name, qtype)] < 2 or end - (lost[0].query_time or end) < ANSWER_WAIT:
            continue  # asked once (the program moved on), or just before the capture ended
        silent[server].append(lost)
    return [_silence(server, lookups, server in answering) for server, lookups in silent.items()]


def _silence(server: str, lookups: list[list[DnsExchange]], answers_others: bool) -> Finding:
    first = lookups[0]
    queries = [q for lost in lookups for q in lost]
    names = sorted({q.name for q in queries})
    times = [q.query_time for q in queries if q.query_time is not None]
    span = max(times) - min(times)
    evidence = [
        Evidence(
            text=(
                f"{type_name(first[0].qtype)} {first[0].name} asked "
                f"{plural(len(first), 'time')}, no answer"
            ),
            packets=tuple(q.query_frame for q in first[:10] if q.query_frame is not None),
            addresses=(server, first[0].client),
            timings={"span": (first[-1].query_time or 0.0) - (first[0].query_time or 0.0)},
        )
    ]
    if len(lookups) > 1:
        evidence.append(
            Evidence(
                text=(
                    f"{_queries(len(queries))} for {plural(len(names), 'name')} "
                    f"unanswered over {ms(span)}: {', '.join(_shown(names)[:5])}"
                ),
                packets=tuple(q.query_frame for q in queries[:10] if q.query_frame is not None),
                data={"names": names[:50]},
            )
        )
    some = (
        "It answered other lookups: these answers were lost, or it cannot resolve these names "
        "and stays silent."
        if answers_others
        else "It answered nothing at all in this capture: it is down or unreachable."
    )
    return make_finding(
        "dns.no_answer",
        Severity.WARNING,
        f"The name server {server} did not answer",
        (
            f"This computer asked the name server {server} for "
            f"{', '.join(_shown(names)[:3])}{' and others' if len(names) > 3 else ''} and got no "
            "answer. Programs wait for each lookup to time out before they give up or try "
            "another server."
        ),
        (
            f"{_queries(len(queries))} to {server} for {plural(len(names), 'name')} "
            f"without an answer over {ms(span)}, and no other server answered them. {some}"
        ),
        evidence,
        target=server,
        server=server,
        names=names[:50],
        queries=len(queries),
        answers_others=answers_others,
    )
