"""What the passive findings read: a capture file reduced to conversations and messages.

A capture file's source fills it in one pass over the file (``sources.file_scan``); the
findings never see packets one by one, so a capture of millions of packets costs them
nothing more than a small one.
"""

from __future__ import annotations

from dataclasses import dataclass

from wiresleuth.analysis.passive_tcp import TcpConversation
from wiresleuth.model.capture_gap import CaptureGap

WIZARD = "analyze"
"""The wizard name findings on a capture file carry."""


@dataclass(frozen=True, kw_only=True)
class DnsMessage:
    """A DNS message over UDP, as captured."""

    number: int
    """Frame number."""
    time: float
    """Capture time."""
    src: str
    """Sender (the resolver, for an answer)."""
    dst: str
    """Receiver."""
    payload: bytes
    """The DNS message."""


@dataclass(frozen=True, kw_only=True)
class IcmpNote:
    """An ICMP/ICMPv6 packet: type, code and where it came from."""

    number: int
    """Frame number."""
    time: float
    """Capture time."""
    src: str
    """Sender."""
    dst: str
    """Receiver."""
    icmp_type: int
    """ICMP type."""
    icmp_code: int
    """ICMP code."""
    version: int
    """4 (ICMP) or 6 (ICMPv6)."""
    ttl: int
    """Its TTL / hop limit."""
    ident: int = -1
    """Echo request/reply: identifier << 16 | sequence number (pairs them); else -1."""
    quote: bytes = b""
    """The bytes after type, code and checksum, up to ``icmp.QUOTE_BYTES``: an error's
    quote of the packet it is about (``icmp.read_quote``)."""


@dataclass(frozen=True, kw_only=True)
class PassiveCapture:
    """A capture file as the passive findings see it."""

    name: str
    """File name, for texts."""
    conversations: tuple[TcpConversation, ...]
    """TCP conversations in order of first packet."""
    dns: tuple[DnsMessage, ...] = ()
    """DNS messages over UDP."""
    icmp: tuple[IcmpNote, ...] = ()
    """ICMP packets."""
    gaps: tuple[CaptureGap, ...] = ()
    """Where the capture itself lost frames (damage, drops): no loss is concluded there."""
