"""What an ICMP quote says a packet looked like at a hop, compared with what was sent.

tracebox's idea (Detal et al., IMC 2013): a router that drops a packet for its TTL quotes
it back as it received it; Linux and most routers quote the whole TCP header (RFC 1812
allows 576 bytes), options included. A field that differs between what left this computer
and what hop ``n`` quotes was rewritten before hop ``n``: the MSS option (clamping), the
DSCP (re-marking), the window. Written by hand: no library reads these few header fields
out of an ICMP quote.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

FIELDS = ("MSS option", "DSCP", "TCP window")
"""The fields compared, in the order reported."""
_MSS_KIND = 2


@dataclass(frozen=True, kw_only=True)
class HeaderFields:
    """The compared fields of one packet (None: not carried or not quoted)."""

    mss: int | None = None
    """TCP MSS option (SYNs)."""
    dscp: int | None = None
    """DSCP of the IP header."""
    window: int | None = None
    """TCP window field."""

    def get(self, field: str) -> int | None:
        """The value of one of FIELDS."""
        return {"MSS option": self.mss, "DSCP": self.dscp, "TCP window": self.window}[field]


def tcp_fields(header: bytes, *, dscp: int | None = None) -> HeaderFields:
    """Window and MSS option from a TCP header (as much of it as was quoted)."""
    if len(header) < 16:
        return HeaderFields(dscp=dscp)
    window = int.from_bytes(header[14:16], "big")
    length = (header[12] >> 4) * 4 if len(header) >= 13 else 20
    options = header[20 : min(length, len(header))]
    mss: int | None = None
    i = 0
    while i < len(options):
        kind = options[i]
        if kind == 0:
            break
        if kind == 1:
            i += 1
            continue
        if i + 1 >= len(options) or options[i + 1] < 2:
            break
        size = options[i + 1]
        if kind == _MSS_KIND and size == 4 and i + 4 <= len(options):
            mss = int.from_bytes(options[i + 2 : i + 4], "big")
        i += size
    return HeaderFields(mss=mss, dscp=dscp, window=window)


@dataclass(frozen=True, kw_only=True)
class CapturedQuote:
    """The packet an IPv4 ICMP error quotes, read from the bytes after its checksum."""

    proto: int
    """Protocol of the quoted packet."""
    dst: str
    """Destination address of the quoted packet."""
    sport: int | None
    """Quoted source port (TCP/UDP)."""
    ident: int | None
    """Quoted ICMP echo identifier (ICMP)."""
    seq: int | None
    """Quoted TCP sequence number, or ICMP echo sequence number."""
    fields: HeaderFields
    """The compared fields as quoted."""


def captured_quote(payload: bytes) -> CapturedQuote | None:
    """The quoted IPv4 packet of an ICMP error (``PacketRecord.payload``: the four bytes of
    the rest of the ICMP header, then the quote); None when it is not readable."""
    quote = payload[4:]
    if len(quote) < 20 or quote[0] >> 4 != 4:
        return None
    header = (quote[0] & 0x0F) * 4
    proto = quote[9]
    dst = ".".join(str(b) for b in quote[16:20])
    dscp = quote[1] >> 2
    transport = quote[header:]
    if proto == 6 and len(transport) >= 8:
        return CapturedQuote(
            proto=proto,
            dst=dst,
            sport=int.from_bytes(transport[0:2], "big"),
            ident=None,
            seq=int.from_bytes(transport[4:8], "big"),
            fields=tcp_fields(transport, dscp=dscp),
        )
    if proto == 17 and len(transport) >= 4:
        return CapturedQuote(
            proto=proto, dst=dst, sport=int.from_bytes(transport[0:2], "big"), ident=None,
            seq=None,
            fields=HeaderFields(dscp=dscp),
        )  # fmt: skip
    if proto == 1 and len(transport) >= 8:
        return CapturedQuote(
            proto=proto, dst=dst, sport=None,
            ident=int.from_bytes(transport[4:6], "big"),
            seq=int.from_bytes(transport[6:8], "big"),
            fields=HeaderFields(dscp=dscp),
        )  # fmt: skip
    return CapturedQuote(
        proto=proto, dst=dst, sport=None, ident=None, seq=None, fields=HeaderFields(dscp=dscp)
    )


@dataclass(frozen=True, kw_only=True)
class QuotedHop:
    """What one hop quoted of one probe, and what that probe looked like as it left."""

    ttl: int
    """The probe's TTL: the hop that quoted it."""
    address: str | None
    """That hop's address."""
    fields: HeaderFields
    """The fields as quoted."""
    sent: HeaderFields | None = None
    """The fields of the probe as captured leaving this computer (None without capture)."""
    packets: tuple[int, ...] = ()
    """Frames of the probe and the ICMP error quoting it, when captured."""


@dataclass(frozen=True, kw_only=True)
class Rewrite:
    """A field that differs between what was sent and what a hop quotes."""

    field: str
    """One of FIELDS."""
    sent: int
    """The value that left this computer (or, without capture, the first hop's quote)."""
    seen: int
    """The value hop ``at`` quotes."""
    before: QuotedHop | None
    """The farthest hop before ``at`` still quoting the sent value (None: the first quote
    already differs)."""
    at: QuotedHop
    """The first hop quoting another value."""
    baseline: str
    """``sent`` (the captured packet) or ``first quote`` (no capture)."""


def rewrites(quotes: Sequence[QuotedHop], fields: Sequence[str] = FIELDS) -> list[Rewrite]:
    """Each field's first change along the path, hop by hop (TTL order).

    Each quote is compared with its own probe as captured leaving; a quote without it is
    compared with the first quote of the field (without capture a change before the first
    hop cannot be seen).
    """
    ordered = sorted(quotes, key=lambda q: q.ttl)
    found: list[Rewrite] = []
    for field in fields:
        carrying = [q for q in ordered if q.fields.get(field) is not None]
        if not carrying:
            continue
        first = carrying[0].fields.get(field)
        before: QuotedHop | None = None
        for quote in carrying:
            value = quote.fields.get(field)
            sent = quote.sent.get(field) if quote.sent is not None else None
            baseline = "sent" if sent is not None else "first quote"
            start = sent if sent is not None else first
            if value is None or start is None:
                continue
            if value == start:
                before = quote
                continue
            found.append(
                Rewrite(field=field, sent=start, seen=value, before=before, at=quote,
                        baseline=baseline)
            )  # fmt: skip
            break
    return found
