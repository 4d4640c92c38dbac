"""icmp_error: reading what a router quotes back, from real ICMP bytes built by scapy."""

from __future__ import annotations

import pytest

from tests.analysis.scripted import icmp_frag_needed
from wiresleuth.analysis.icmp import icmp_error
from wiresleuth.capture.decode import decode_frame
from wiresleuth.model.address import normalise
from wiresleuth.model.packet import ICMP, TCP, PacketRecord


def decoded(frame: bytes, linktype: int) -> PacketRecord:
    record = decode_frame(frame, linktype, number=1, time=1.0)
    assert record is not None
    return record


def test_frag_needed_from_a_scripted_record() -> None:
    about = PacketRecord(
        number=1,
        time=1.0,
        src="198.18.0.2",
        dst="198.19.0.10",
        proto=TCP,
        sport=50000,
        dport=443,
        seq=123456,
        payload_len=1400,
    )
    error = icmp_error(icmp_frag_needed(about, router="198.18.0.1", mtu=1400, number=2, time=2.0))
    assert error is not None
    assert (error.src, error.dst, error.sport, error.dport, error.seq) == (
        "198.18.0.2",
        "198.19.0.10",
        50000,
        443,
        123456,
    )
    assert error.mtu == 1400 and error.proto == TCP


def test_v4_errors_decoded_by_scapy() -> None:
    from scapy.layers.inet import ICMP as SICMP
    from scapy.layers.inet import IP, IPerror, TCPerror, UDPerror

    quoted = IPerror(src="198.18.0.2", dst="198.19.0.10") / TCPerror(sport=40000, dport=443, seq=7)
    frag = IP(src="198.18.0.1", dst="198.18.0.2") / SICMP(type=3, code=4, nexthopmtu=1400) / quoted
    error = icmp_error(decoded(bytes(frag), 228))
    assert error is not None and error.description == "fragmentation needed, next-hop MTU 1400"
    assert (error.sport, error.dport, error.seq) == (40000, 443, 7)

    udp = IPerror(src="198.18.0.2", dst="198.19.0.53") / UDPerror(sport=5353, dport=53)
    port = IP(src="198.19.0.53", dst="198.18.0.2") / SICMP(type=3, code=3) / udp
    error = icmp_error(decoded(bytes(port), 228))
    assert error is not None and error.description == "port unreachable" and error.mtu is None
    assert (error.proto, error.dport) == (17, 53)

    ttl = IP(src="198.18.0.1", dst="198.18.0.2") / SICMP(type=11, code=0) / quoted
    error = icmp_error(decoded(bytes(ttl), 228))
    assert error is not None and error.description == "time exceeded in transit"

    echo = IP(src="198.18.0.1", dst="198.18.0.2") / SICMP(type=8) / b"ping"
    assert icmp_error(decoded(bytes(echo), 228)) is None


def test_v6_packet_too_big_decoded_by_scapy() -> None:
    from scapy.layers.inet import TCP as STCP
    from scapy.layers.inet6 import ICMPv6PacketTooBig, IPerror6, IPv6

    quoted = IPerror6(src="2001:db8::2", dst="2001:db8::10") / STCP(sport=50000, dport=443, seq=99)
    frame = IPv6(src="2001:db8::1", dst="2001:db8::2") / ICMPv6PacketTooBig(mtu=1280) / quoted
    record = decoded(bytes(frame), 229)
    error = icmp_error(record)
    assert error is not None
    assert error.description == "packet too big, MTU 1280" and error.mtu == 1280
    assert (error.src, error.dst, error.sport, error.dport, error.seq) == (
        "2001:db8::2",
        "2001:db8::10",
        50000,
        443,
        99,
    )


@pytest.mark.parametrize("payload", [b"", b"\x00" * 10, b"\x00\x00\x05\xdc" + b"\x60" * 30])
def test_short_or_foreign_quotes_are_ignored(payload: bytes) -> None:
    record = PacketRecord(
        number=1,
        time=1.0,
        src="198.18.0.1",
        dst="198.18.0.2",
        proto=ICMP,
        icmp_type=3,
        icmp_code=4,
        payload=payload,
    )
    assert icmp_error(record) is None


def test_normalise_spellings() -> None:
    assert normalise("2001:DB8:0::1") == "2001:db8::1"
    assert normalise("198.18.0.1") == "198.18.0.1"
    assert normalise("not-an-address") == "not-an-address"
