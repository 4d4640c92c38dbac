"""Release decisions of the delay line and the payload hold, on real IPv4/TCP headers."""

import socket
import struct

from wiresleuth.lab.servers.queue_policy import ConstantDelay, PayloadHold, parse_tcp

SYN, ACK, PSH = 0x02, 0x10, 0x08


def tcp_packet(sport: int, dport: int, seq: int, flags: int, payload: bytes = b"") -> bytes:
    """An IPv4 packet with a 20-byte TCP header with options (data offset 6)."""
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, 0, 6 << 4, flags, 65535, 0, 0)
    tcp += b"\x02\x04\x05\xb4"  # MSS option: the header is 24 bytes
    total = 20 + len(tcp) + len(payload)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, total, 1, 0x4000, 64, 6, 0,
                     socket.inet_aton("198.18.1.10"), socket.inet_aton("100.64.1.50"))  # fmt: skip
    return ip + tcp + payload


def test_parse_tcp_reads_ports_and_payload_length() -> None:
    info = parse_tcp(tcp_packet(40000, 8080, 7, ACK | PSH, b"GET / HTTP/1.1\r\n"))
    assert info is not None
    assert info.flow[1:4:2] == (40000, 8080)
    assert (info.seq, info.payload_len) == (7, 16)


def test_parse_tcp_ignores_other_packets() -> None:
    udp = bytearray(tcp_packet(1, 2, 0, 0))
    udp[9] = 17
    assert parse_tcp(bytes(udp)) is None
    assert parse_tcp(b"\x60" + bytes(39)) is None  # IPv6
    assert parse_tcp(tcp_packet(1, 2, 0, 0)[:30]) is None  # truncated


def test_constant_delay_keeps_order() -> None:
    line = ConstantDelay(delay=0.05)
    times = [line.release_at(b"", t) for t in (1.0, 1.001, 1.002)]
    assert times == [1.05, 1.051, 1.052]


def test_hold_lets_syns_and_pure_acks_pass_at_once() -> None:
    hold = PayloadHold(hold=5.0)
    assert hold.release_at(tcp_packet(40000, 80, 0, SYN), 10.0) == 10.0
    assert hold.release_at(tcp_packet(40000, 80, 1, ACK), 10.1) == 10.1


def test_hold_delays_a_request_and_its_followers_together() -> None:
    hold = PayloadHold(hold=5.0)
    first = hold.release_at(tcp_packet(40000, 80, 1, ACK | PSH, b"a" * 100), 10.0)
    second = hold.release_at(tcp_packet(40000, 80, 101, ACK | PSH, b"b" * 100), 10.2)
    assert first == second == 15.0
    other_flow = hold.release_at(tcp_packet(40001, 80, 1, ACK | PSH, b"c"), 10.3)
    assert other_flow == 15.3


def test_hold_drops_retransmissions_of_a_held_packet() -> None:
    hold = PayloadHold(hold=5.0)
    request = tcp_packet(40000, 80, 1, ACK | PSH, b"a" * 100)
    assert hold.release_at(request, 10.0) == 15.0
    assert hold.release_at(request, 10.3) is None


def test_a_later_request_on_the_same_connection_is_held_again() -> None:
    hold = PayloadHold(hold=5.0)
    hold.release_at(tcp_packet(40000, 80, 1, ACK | PSH, b"a"), 10.0)
    assert hold.release_at(tcp_packet(40000, 80, 2, ACK | PSH, b"b"), 20.0) == 25.0
