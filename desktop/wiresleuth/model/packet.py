"""A decoded packet, independent of scapy, so analysis stays pure and fast to test."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

TCP = 6
UDP = 17
ICMP = 1
ICMPV6 = 58

FIN = 0x01
SYN = 0x02
RST = 0x04
PSH = 0x08
ACK = 0x10
URG = 0x20
ECE = 0x40
CWR = 0x80


@dataclass(frozen=True, slots=True, kw_only=True)
class PacketRecord:
    """The fields of one captured IP packet that the analysis reads."""

    number: int
    """1-based position in the capture file (Wireshark's frame number)."""
    time: float
    """Capture timestamp, epoch seconds."""
    src: str
    """Source IP address."""
    dst: str
    """Destination IP address."""
    proto: int
    """IP protocol number (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6)."""
    ip_version: int = 4
    """4 or 6."""
    ttl: int = 0
    """IPv4 TTL or IPv6 hop limit as received."""
    dscp: int = 0
    """Differentiated Services code point (upper six bits of TOS / traffic class)."""
    ecn: int = 0
    """ECN bits (lower two bits of TOS / traffic class)."""
    ip_id: int | None = None
    """IPv4 identification field (None for IPv6)."""
    length: int = 0
    """IP total length in bytes (header included), as on the wire."""
    df: bool = False
    """IPv4 Don't Fragment flag."""
    sport: int | None = None
    """Source port (TCP/UDP)."""
    dport: int | None = None
    """Destination port (TCP/UDP)."""
    tcp_flags: int = 0
    """TCP flag bits (FIN=1, SYN=2, RST=4, PSH=8, ACK=16, ...)."""
    seq: int = 0
    """TCP sequence number."""
    ack: int = 0
    """TCP acknowledgement number."""
    window: int = 0
    """TCP window field, unscaled."""
    mss: int | None = None
    """The MSS option, when the segment carries one (SYN, SYN-ACK)."""
    wscale: int | None = None
    """The window-scale option, when the segment carries one."""
    sack_blocks: tuple[tuple[int, int], ...] = ()
    """SACK option blocks (left, right)."""
    icmp_type: int | None = None
    """ICMP/ICMPv6 type."""
    icmp_code: int | None = None
    """ICMP/ICMPv6 code."""
    payload: bytes = b""
    """Transport payload (TCP/UDP data; ICMP body), possibly truncated by the snap length."""
    payload_len: int = 0
    """Transport payload length as on the wire (may exceed len(payload) when truncated)."""
    src_mac: str | None = None
    """Ethernet source address, when the link layer has one."""
    dst_mac: str | None = None
    """Ethernet destination address, when the link layer has one."""

    def has(self, flag: int) -> bool:
        """Whether every bit of ``flag`` is set in the TCP flags."""
        return self.tcp_flags & flag == flag


def first_frame_time(packets: Iterable[PacketRecord]) -> float | None:
    """Epoch time of the lowest-numbered packet: Wireshark's time reference
    (``frame.time_relative`` is 0 at frame 1). None without packets."""
    first: PacketRecord | None = None
    for packet in packets:
        if first is None or packet.number < first.number:
            first = packet
    return first.time if first is not None else None
