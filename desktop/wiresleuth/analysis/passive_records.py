"""Packets as the rules about traffic seen from outside read them, so that one rule serves
every source.

A capture file reaches those rules through the fast reader (``sources.file_scan``); a run's
packets, or a bundle's, are PacketRecords. Both become the same PassiveCapture: TCP
conversations from the same analyser (``segments_from_records`` feeds it the records), DNS
messages, ICMP packets. No rule is written twice.
"""

from __future__ import annotations

from collections.abc import Sequence

from wiresleuth.analysis.icmp import QUOTE_BYTES
from wiresleuth.analysis.passive_model import DnsMessage, IcmpNote, PassiveCapture
from wiresleuth.analysis.passive_tcp import TcpAnalyser, segments_from_records
from wiresleuth.model.packet import ICMP, ICMPV6, UDP, PacketRecord

DNS_PORT = 53


def passive_capture(records: Sequence[PacketRecord], *, name: str = "run") -> PassiveCapture:
    """The PassiveCapture of decoded packets (a run's capture, a small file's records)."""
    analyser = TcpAnalyser()
    analyser.add(segments_from_records(records))
    dns = tuple(
        DnsMessage(number=r.number, time=r.time, src=r.src, dst=r.dst, payload=r.payload)
        for r in records
        if r.proto == UDP and DNS_PORT in (r.sport, r.dport)
    )
    icmp = tuple(
        IcmpNote(
            number=r.number,
            time=r.time,
            src=r.src,
            dst=r.dst,
            icmp_type=r.icmp_type or 0,
            icmp_code=r.icmp_code or 0,
            version=r.ip_version,
            ttl=r.ttl,
            ident=int.from_bytes(r.payload[:4], "big") if len(r.payload) >= 4 else -1,
            quote=r.payload[:QUOTE_BYTES],
        )
        for r in records
        if r.proto in (ICMP, ICMPV6)
    )
    return PassiveCapture(
        name=name, conversations=tuple(analyser.conversations()), dns=dns, icmp=icmp
    )
