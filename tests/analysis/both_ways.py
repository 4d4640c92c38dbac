"""One scripted exchange, analysed from both sources through the one seam (``diagnose``):
decoded packets and a capture file.

``findings_both_ways`` diagnoses PacketRecords (what a run or a bundle has: the records go
through ``passive_records``) and the same packets written to a pcap and read by
``analyze_file`` (the fast reader: what ``wiresleuth analyze`` does), asserts that both give
the same findings (ID, target, severity, cited frames) and returns them. DNS and ICMP are
scripted as PacketRecords too.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path

import dns.message
import dns.rrset

from tests.analysis.records_pcap import write_pcap
from tests.diagnosis.recordings import foreign
from wiresleuth.diagnosis.diagnose import diagnose
from wiresleuth.model.catalogue import CATALOGUE
from wiresleuth.model.finding import Finding
from wiresleuth.model.packet import ICMP, TCP, UDP, PacketRecord
from wiresleuth.sources.capture_file import analyze_file

CLIENT = "198.18.0.2"
RESOLVER = "198.18.0.53"
T0 = 1_700_000_000.0


def key(finding: Finding) -> tuple[str, str | None, str, tuple[int, ...]]:
    return finding.id, finding.target, finding.severity.value, finding.packets


def findings_both_ways(records: list[PacketRecord], folder: Path) -> tuple[Finding, ...]:
    records = sorted(records, key=lambda r: r.number)
    live = diagnose(foreign(packets=records)).findings
    from_file = analyze_file(write_pcap(folder / "scripted.pcap", records)).findings
    assert [key(f) for f in live] == [key(f) for f in from_file]
    assert all(f.id in CATALOGUE and f.user_text and f.engineer_text for f in live)
    return live


def ids(found: tuple[Finding, ...] | list[Finding]) -> list[str]:
    return [f.id for f in found]


def only(found: tuple[Finding, ...], finding_id: str) -> Finding:
    (one,) = [f for f in found if f.id == finding_id]
    return one


def udp(
    number: int, time: float, src: str, dst: str, sport: int, dport: int, payload: bytes
) -> PacketRecord:
    return PacketRecord(
        number=number,
        time=time,
        src=src,
        dst=dst,
        proto=UDP,
        ttl=64,
        length=28 + len(payload),
        sport=sport,
        dport=dport,
        payload=payload,
        payload_len=len(payload),
    )


def dns_query(
    number: int, time: float, name: str, *, qtype: str = "A", server: str = RESOLVER, ident: int = 1
) -> tuple[PacketRecord, dns.message.Message]:
    query = dns.message.make_query(name, qtype)
    query.id = ident
    return udp(number, time, CLIENT, server, 40000 + ident, 53, query.to_wire()), query


def dns_answer(
    number: int,
    time: float,
    query: dns.message.Message,
    *,
    rcode: int = 0,
    addresses: tuple[str, ...] = (),
    server: str = RESOLVER,
) -> PacketRecord:
    answer = dns.message.make_response(query)
    answer.set_rcode(rcode)
    if addresses:
        name = query.question[0].name
        answer.answer.append(dns.rrset.from_text(name, 300, "IN", "A", *addresses))
    return udp(number, time, server, CLIENT, 53, 40000 + query.id, answer.to_wire())


def icmp_error(
    number: int, time: float, about: PacketRecord, *, router: str, kind: int = 3, code: int = 1
) -> PacketRecord:
    """An ICMP error from ``router`` quoting the TCP packet ``about`` (host unreachable)."""
    assert about.sport is not None and about.dport is not None and about.proto == TCP
    header = bytes([0x45, 0]) + (40).to_bytes(2, "big") + b"\x00\x01\x40\x00"
    header += bytes([about.ttl - 1, TCP, 0, 0])
    header += ipaddress.IPv4Address(about.src).packed + ipaddress.IPv4Address(about.dst).packed
    transport = about.sport.to_bytes(2, "big") + about.dport.to_bytes(2, "big")
    transport += about.seq.to_bytes(4, "big")
    payload = b"\x00\x00\x00\x00" + header + transport
    return PacketRecord(
        number=number,
        time=time,
        src=router,
        dst=about.src,
        proto=ICMP,
        ttl=254,
        length=20 + 4 + len(payload),
        icmp_type=kind,
        icmp_code=code,
        payload=payload,
        payload_len=len(payload),
    )
