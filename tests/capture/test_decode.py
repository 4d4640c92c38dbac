"""decode: frames built by scapy for every link type we support, and real captures vs tshark."""

from __future__ import annotations

from pathlib import Path

import pytest
from scapy.layers.inet import ICMP, IP, TCP, UDP
from scapy.layers.inet6 import IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrHopByHop
from scapy.layers.l2 import ARP, CookedLinux, CookedLinuxV2, Dot1AD, Dot1Q, Ether, Loopback

from tests.capture.corpora import corpus, names, tshark
from wiresleuth.capture.decode import DECODED_LINKTYPES, decode_frame, decode_packet
from wiresleuth.capture.pcap_file import read_capture
from wiresleuth.model.packet import ACK, ICMPV6, PSH, SYN, PacketRecord

MAC_A, MAC_B = "00:01:d7:aa:bb:cc", "52:54:00:12:34:56"


def decode(frame: bytes, linktype: int) -> PacketRecord:
    record = decode_frame(frame, linktype, number=7, time=1234.5)
    assert record is not None
    return record


def syn_segment() -> TCP:
    return TCP(
        sport=50000,
        dport=443,
        flags="S",
        seq=4_000_000_000,
        window=64240,
        options=[("MSS", 1460), ("SAckOK", b""), ("WScale", 7), ("NOP", None)],
    )


def test_ethernet_ipv4_tcp_every_field() -> None:
    packet = (
        Ether(src=MAC_A, dst=MAC_B)
        / IP(src="198.19.0.10", dst="198.18.0.2", tos=0xB9, ttl=52, id=4321, flags="DF")
        / syn_segment()
    )
    record = decode(bytes(packet), 1)
    assert (record.number, record.time) == (7, 1234.5)
    assert (record.src, record.dst, record.proto, record.ip_version) == (
        "198.19.0.10",
        "198.18.0.2",
        6,
        4,
    )
    assert (record.dscp, record.ecn, record.ttl, record.ip_id, record.df) == (46, 1, 52, 4321, True)
    assert record.length == len(packet[IP])
    assert (record.sport, record.dport, record.tcp_flags) == (50000, 443, SYN)
    assert (record.seq, record.ack, record.window) == (4_000_000_000, 0, 64240)
    assert (record.mss, record.wscale, record.sack_blocks) == (1460, 7, ())
    assert (record.payload, record.payload_len) == (b"", 0)
    assert (record.src_mac, record.dst_mac) == (MAC_A, MAC_B)
    assert record.icmp_type is None


def test_sack_blocks_and_payload() -> None:
    segment = TCP(
        sport=443,
        dport=50000,
        flags="PA",
        seq=1,
        ack=99,
        options=[("NOP", None), ("NOP", None), ("SAck", (1000, 2000, 3000, 4000))],
    )
    record = decode(
        bytes(
            Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")
            / IP(src="198.19.0.10", dst="198.18.0.2")
            / segment
            / b"data"
        ),
        1,
    )
    assert record.sack_blocks == ((1000, 2000), (3000, 4000))
    assert record.tcp_flags == PSH | ACK and record.ack == 99
    assert (record.payload, record.payload_len) == (b"data", 4)


def test_ethernet_padding_is_not_payload() -> None:
    frame = bytes(
        Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")
        / IP(src="198.18.0.2", dst="198.19.0.10")
        / TCP(flags="A")
    )
    padded = frame + b"\x00" * (60 - len(frame))
    record = decode(padded, 1)
    assert (record.payload, record.payload_len) == (b"", 0)


def test_snap_length_cut_keeps_wire_lengths() -> None:
    frame = bytes(
        Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")
        / IP(src="198.19.0.10", dst="198.18.0.2")
        / TCP(flags="PA")
        / (b"x" * 1400)
    )
    record = decode(frame[:96], 1)
    assert record.payload_len == 1400
    assert record.payload == b"x" * (96 - 14 - 20 - 20)
    assert record.length == 1440


@pytest.mark.parametrize("tags", [[Dot1Q(vlan=10)], [Dot1AD(vlan=100), Dot1Q(vlan=10)]])
def test_vlan_tags(tags: list[Dot1Q]) -> None:
    packet = Ether(src=MAC_A, dst=MAC_B)
    for tag in tags:
        packet = packet / tag
    packet = packet / IP(src="198.18.0.2", dst="198.19.0.10") / TCP(sport=1, dport=2)
    record = decode(bytes(packet), 1)
    assert (record.src, record.sport, record.dport, record.src_mac) == ("198.18.0.2", 1, 2, MAC_A)


def test_ipv6_with_extension_headers() -> None:
    packet = (
        IPv6(src="2001:db8::10", dst="2001:db8::2", tc=0xB8, hlim=50)
        / IPv6ExtHdrHopByHop()
        / IPv6ExtHdrDestOpt()
        / TCP(sport=443, dport=50000, flags="PA", seq=5, ack=6)
        / b"hello"
    )
    record = decode(bytes(packet), 229)
    assert (record.ip_version, record.proto, record.ttl, record.dscp, record.ecn) == (
        6,
        6,
        50,
        46,
        0,
    )
    assert (record.src, record.dst) == ("2001:db8::10", "2001:db8::2")
    assert (record.sport, record.dport, record.seq, record.ack) == (443, 50000, 5, 6)
    assert (record.payload, record.payload_len) == (b"hello", 5)
    assert record.length == len(bytes(packet))
    assert record.ip_id is None and not record.df


@pytest.mark.parametrize(
    ("linktype", "link"),
    [
        (113, CookedLinux(pkttype=0, lladdrtype=1, lladdrlen=6, src=bytes.fromhex("0001d7aabbcc"))),
        (
            276,
            CookedLinuxV2(ifindex=3, lladdrtype=1, lladdrlen=6, src=bytes.fromhex("0001d7aabbcc")),
        ),
    ],
)
def test_linux_cooked(linktype: int, link: CookedLinux) -> None:
    packet = (
        link / IP(src="198.19.0.10", dst="198.18.0.2", ttl=33) / UDP(sport=53, dport=5000) / b"a"
    )
    record = decode(bytes(packet), linktype)
    assert (record.src, record.ttl, record.proto, record.sport, record.payload) == (
        "198.19.0.10",
        33,
        17,
        53,
        b"a",
    )
    assert record.src_mac == MAC_A and record.dst_mac is None


def test_bsd_loopback_and_raw_ip() -> None:
    tcp = TCP(sport=1234, dport=80, flags="S")
    v4 = IP(src="127.0.0.1", dst="127.0.0.1") / tcp
    v6 = IPv6(src="::1", dst="::1") / tcp
    assert decode(bytes(Loopback(type=2) / v4), 0).dport == 80
    assert decode(bytes(Loopback(type=30) / v6), 0).ip_version == 6  # AF_INET6 on macOS
    for linktype in (12, 14, 101):
        assert decode(bytes(v4), linktype).ip_version == 4
        assert decode(bytes(v6), linktype).ip_version == 6
    assert decode(bytes(v4), 228).src == "127.0.0.1"
    assert decode(bytes(v6), 229).src == "::1"
    assert decode(b"\x00\x00\x00\x02" + bytes(v4), 108).dport == 80  # OpenBSD: network order


def test_icmp_payload_keeps_the_rest_of_the_header() -> None:
    echo = IP(src="198.18.0.2", dst="198.19.0.10") / ICMP(type=8, id=0x1234, seq=7) / b"ping"
    record = decode(bytes(echo), 228)
    assert (record.proto, record.icmp_type, record.icmp_code) == (1, 8, 0)
    assert record.payload == b"\x12\x34\x00\x07ping" and record.payload_len == 8
    assert record.sport is None and record.dport is None


def test_icmpv6_echo() -> None:
    from scapy.layers.inet6 import ICMPv6EchoRequest

    packet = IPv6(src="2001:db8::2", dst="2001:db8::10") / ICMPv6EchoRequest(id=1, seq=2, data=b"x")
    record = decode(bytes(packet), 229)
    assert (record.proto, record.icmp_type, record.payload) == (ICMPV6, 128, b"\x00\x01\x00\x02x")


def test_fragments() -> None:
    packet = IP(src="198.18.0.2", dst="198.19.0.10", id=77) / UDP(sport=1, dport=2) / (b"z" * 3000)
    from scapy.layers.inet import fragment

    first, second, *_ = fragment(packet, fragsize=1400)
    head = decode(bytes(first), 228)
    assert (head.sport, head.dport, head.proto) == (1, 2, 17)
    tail = decode(bytes(second), 228)
    assert (tail.sport, tail.dport, tail.proto, tail.ip_id) == (None, None, 17, 77)
    assert tail.payload_len == len(second) - 20


def test_tso_packet_with_zero_length() -> None:
    frame = bytearray(bytes(IP(src="198.18.0.2", dst="198.19.0.10") / TCP() / (b"y" * 3000)))
    frame[2:4] = b"\x00\x00"  # captured before segmentation offload filled it in
    record = decode(bytes(frame), 228)
    assert record.length == 3040 and record.payload_len == 3000


def test_non_ip_frames_and_unknown_link_types() -> None:
    assert (
        decode_frame(
            bytes(Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / ARP()),
            1,
            number=1,
            time=0.0,
        )
        is None
    )
    assert decode_frame(b"\x00" * 40, 127, number=1, time=0.0) is None  # radiotap: not decoded
    assert 127 not in DECODED_LINKTYPES


def test_decode_packet_on_a_fully_dissected_packet() -> None:
    packet = Ether(
        bytes(
            Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")
            / IP(src="198.18.0.2", dst="198.19.0.10")
            / TCP()
            / b"GET /"
        )
    )
    packet.time = 99.0
    record = decode_packet(packet, number=3)
    assert record is not None and record.time == 99.0 and record.payload == b"GET /"


# tshark field -> how to read it from our record (first occurrence: outer header)
FIELDS = {
    "ip.src": lambda r: r.src if r.ip_version == 4 else None,
    "ipv6.src": lambda r: r.src if r.ip_version == 6 else None,
    "ip.dst": lambda r: r.dst if r.ip_version == 4 else None,
    "ip.ttl": lambda r: r.ttl if r.ip_version == 4 else None,
    "ipv6.hlim": lambda r: r.ttl if r.ip_version == 6 else None,
    "ip.dsfield.dscp": lambda r: r.dscp if r.ip_version == 4 else None,
    "ip.id": lambda r: r.ip_id,
    "ip.len": lambda r: r.length if r.ip_version == 4 else None,
    "ip.flags.df": lambda r: int(r.df) if r.ip_version == 4 else None,
    "tcp.srcport": lambda r: r.sport if r.proto == 6 else None,
    "tcp.dstport": lambda r: r.dport if r.proto == 6 else None,
    "tcp.flags": lambda r: r.tcp_flags if r.proto == 6 else None,
    "tcp.seq_raw": lambda r: r.seq if r.proto == 6 else None,
    "tcp.ack_raw": lambda r: r.ack if r.proto == 6 else None,
    "tcp.window_size_value": lambda r: r.window if r.proto == 6 else None,
    "tcp.len": lambda r: r.payload_len if r.proto == 6 else None,
    "tcp.options.mss_val": lambda r: r.mss,
    "tcp.options.wscale.shift": lambda r: r.wscale,
    "udp.srcport": lambda r: r.sport if r.proto == 17 else None,
    "icmp.type": lambda r: r.icmp_type if r.proto == 1 else None,
    "icmpv6.type": lambda r: r.icmp_type if r.proto == 58 else None,
}


def _tshark_value(text: str) -> int | str:
    if text.startswith("0x"):
        return int(text, 16)
    if text.isdigit():
        return int(text)
    return {"True": 1, "False": 0}.get(text, text)


@pytest.mark.parametrize("name", names("packets", "*.pcapng"))
def test_real_captures_match_tshark(name: str) -> None:
    path = corpus("packets") / name
    fields = list(FIELDS)
    out = tshark(
        "-r", str(path),
        "-o", "ip.defragment:FALSE",  # we do not reassemble fragments either
        "-o", "ipv6.defragment:FALSE",
        "-T", "fields", "-E", "occurrence=f",
        "-e", "frame.number", *(arg for f in fields for arg in ("-e", f)),
    )  # fmt: skip
    ours = {r.number: r for r in read_capture(Path(path)).records}
    checked = 0
    for line in out.splitlines():
        number, *values = line.split("\t")
        record = ours.get(int(number))
        ip_fields = values[0] or values[1]
        if not ip_fields:
            assert record is None, f"frame {number}: we decoded a packet tshark sees no IP in"
            continue
        assert record is not None, f"frame {number}: tshark sees IP, we decoded nothing"
        for field, text in zip(fields, values, strict=True):
            if not text or "," in text:
                continue
            mine = FIELDS[field](record)
            if field in ("tcp.options.mss_val", "tcp.options.wscale.shift") and mine is None:
                pytest.fail(f"frame {number}: {field} missing")
            assert mine == _tshark_value(text), f"frame {number} {field}: {mine!r} != {text}"
            checked += 1
    assert checked > 0 or not ours
