"""DNS over UDP as query/answer pairs: what the DNS rules read.

Each message is parsed once with dnspython (imported only when the capture has DNS); what it
cannot parse is skipped. A query is paired with the answer that comes back from the server
it was sent to with the same ID, name and type (a retry with the same ID takes the answer
that follows it); an answer whose query was not captured stands alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from wiresleuth.analysis.passive_model import DnsMessage

if TYPE_CHECKING:
    import dns.message

A, AAAA, PTR = 1, 28, 12
NOERROR, SERVFAIL, NXDOMAIN, REFUSED = 0, 2, 3, 5
RCODE_NAMES = {0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP", 5: "REFUSED"}


@dataclass(frozen=True, kw_only=True)
class DnsAnswer:
    """A server's answer."""

    frame: int
    """Its frame."""
    time: float
    """When it was captured."""
    rcode: int
    """Response code (0 NOERROR, 2 SERVFAIL, 3 NXDOMAIN, 5 REFUSED...)."""
    addresses: tuple[str, ...]
    """A and AAAA records of its answer section."""

    @property
    def rcode_name(self) -> str:
        """``SERVFAIL``, ``NXDOMAIN``..."""
        return RCODE_NAMES.get(self.rcode, f"RCODE {self.rcode}")


@dataclass(frozen=True, kw_only=True)
class DnsExchange:
    """A query and its answer (either may be missing from the capture)."""

    client: str
    """The asking address."""
    server: str
    """The name server's address."""
    name: str
    """The name asked for, lower case, with the final dot."""
    qtype: int
    """The record type asked for (1 A, 28 AAAA, 12 PTR...)."""
    query_frame: int | None
    """The query's frame (None: not captured)."""
    query_time: float | None
    """When it was captured."""
    answer: DnsAnswer | None
    """The answer (None: none came)."""

    @property
    def time(self) -> float:
        """When the exchange began (the query, else the answer)."""
        if self.query_time is not None:
            return self.query_time
        assert self.answer is not None
        return self.answer.time

    @property
    def frames(self) -> tuple[int, ...]:
        """The frames of the query and the answer that were captured."""
        answer = self.answer.frame if self.answer else None
        return tuple(n for n in (self.query_frame, answer) if n is not None)


def _parse(message: DnsMessage) -> dns.message.Message | None:
    import dns.exception
    import dns.message

    try:
        return dns.message.from_wire(message.payload, ignore_trailing=True)
    except (dns.exception.DNSException, ValueError, UnicodeError, IndexError, KeyError):
        return None


def _addresses(msg: dns.message.Message) -> tuple[str, ...]:
    return tuple(
        item.to_text() for rrset in msg.answer if rrset.rdtype in (A, AAAA) for item in rrset
    )


def dns_exchanges(messages: Iterable[DnsMessage]) -> list[DnsExchange]:
    """The query/answer pairs of the DNS messages, in order of their first message."""
    out: list[DnsExchange | None] = []
    pending: dict[tuple[str, str, int, str, int], int] = {}  # -> index in out
    for message in messages:
        msg = _parse(message)
        if msg is None or not msg.question:
            continue
        question = msg.question[0]
        name = question.name.to_text().lower()
        qtype = int(question.rdtype)
        if not msg.flags & 0x8000:  # a query
            pending[(message.src, message.dst, msg.id, name, qtype)] = len(out)
            out.append(
                DnsExchange(
                    client=message.src,
                    server=message.dst,
                    name=name,
                    qtype=qtype,
                    query_frame=message.number,
                    query_time=message.time,
                    answer=None,
                )
            )
            continue
        answer = DnsAnswer(
            frame=message.number,
            time=message.time,
            rcode=msg.rcode(),
            addresses=_addresses(msg),
        )
        index = pending.pop((message.dst, message.src, msg.id, name, qtype), None)
        if index is not None:
            query = out[index]
            assert query is not None
            out[index] = DnsExchange(
                client=query.client,
                server=query.server,
                name=name,
                qtype=qtype,
                query_frame=query.query_frame,
                query_time=query.query_time,
                answer=answer,
            )
        else:
            out.append(
                DnsExchange(
                    client=message.dst,
                    server=message.src,
                    name=name,
                    qtype=qtype,
                    query_frame=None,
                    query_time=None,
                    answer=answer,
                )
            )
    return [exchange for exchange in out if exchange is not None]
