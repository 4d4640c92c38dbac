"""assemble_flows on scripted exchanges: roles, handshake, reassembly and loss signatures."""

from __future__ import annotations

import dataclasses

import pytest

from tests.analysis.scripted import MOD, Wire, icmp_frag_needed
from tests.capture.corpora import packets, tshark
from wiresleuth.analysis.flows import TcpFlow, assemble_flows
from wiresleuth.capture.pcap_file import read_capture
from wiresleuth.model.packet import ACK, RST, SYN, UDP, PacketRecord


def one_flow(records: list[PacketRecord]) -> TcpFlow:
    flows = assemble_flows(records)
    assert len(flows) == 1
    return flows[0]


def test_handshake_data_and_close() -> None:
    wire = Wire().handshake(rtt=0.085, client_mss=1460, server_mss=1380)
    wire.send("client", b"hello server")
    wire.wait(0.08)
    wire.send("server", b"hello client, " * 10)
    wire.fin("client")
    wire.fin("server")
    wire.ack("client")
    flow = one_flow(wire.packets)
    assert (flow.client, flow.client_port) == ("198.18.0.2", 50123)
    assert (flow.server, flow.server_port) == ("198.19.0.10", 443)
    assert flow.id == "198.18.0.2:50123->198.19.0.10:443"
    assert flow.syn is wire.packets[0] and flow.syn_ack is wire.packets[1]
    assert flow.handshake_ack is wire.packets[2]
    assert flow.handshake_rtt == pytest.approx(0.085 + 0.0001, abs=1e-6)
    assert (flow.client_mss, flow.server_mss) == (1460, 1380)
    assert flow.client_stream.data == b"hello server"
    assert flow.server_stream.data == b"hello client, " * 10
    assert flow.client_stream.isn == 1000 and flow.client_stream.base_seq == 1001
    assert flow.server_stream.packet_at(0) is wire.packets[4]
    assert flow.server_stream.time_at(139) == wire.packets[4].time
    with pytest.raises(KeyError):
        flow.server_stream.packet_at(140)
    assert len(flow.fins) == 2 and flow.rsts == ()
    for stream in (flow.client_stream, flow.server_stream):
        assert stream.gaps == () and stream.retransmissions == () and stream.out_of_order == ()
        assert stream.dup_acks == ()
    assert flow.client_stream.acked == 13  # 12 bytes + FIN
    assert flow.server_stream.max_payload == 140
    assert flow.packets == tuple(wire.packets)


def test_lost_segment_never_retransmitted_leaves_a_gap() -> None:
    wire = Wire().handshake()
    wire.send("client", b"C" * 300)
    wire.send("server", b"A" * 1400)
    wire.send("server", b"B" * 1400, lost=True)
    third = wire.send("server", b"C" * 1000)
    dups = [wire.ack("client"), wire.ack("client"), wire.ack("client")]
    flow = one_flow(wire.packets)
    stream = flow.server_stream
    assert stream.gaps == ((1400, 2800),)
    assert stream.data == b"A" * 1400  # contiguous only up to the hole
    assert stream.end == 3800
    assert stream.packet_at(2800) is third
    assert stream.retransmissions == () and stream.out_of_order == ()
    # The client's ACK of the first segment, then its repeats: duplicates 2 and 3.
    assert flow.client_dup_acks == tuple(p.number for p in dups[1:] if p)
    assert flow.client_stream.dup_acks == flow.client_dup_acks
    assert stream.acked == 1400


def test_hole_filled_later_is_out_of_order_and_repeats_are_retransmissions() -> None:
    wire = Wire().handshake()
    wire.send("server", b"A" * 1000)
    wire.send("server", b"B" * 1000, lost=True)
    wire.send("server", b"C" * 1000)
    wire.ack("client")
    wire.wait(0.3)
    fill = wire.resend("server", 1000)
    again = wire.resend("server", 2000)
    flow = one_flow(wire.packets)
    stream = flow.server_stream
    assert stream.gaps == ()
    assert stream.data == b"A" * 1000 + b"B" * 1000 + b"C" * 1000
    assert stream.out_of_order == (fill.number,) if fill else False
    assert stream.retransmissions == (again.number,) if again else False
    assert stream.packet_at(1500) is fill


def test_sequence_numbers_wrapping_around() -> None:
    wire = Wire(client_isn=MOD - 5, server_isn=MOD - 1)
    wire.handshake()
    wire.send("client", b"0123456789")
    wire.send("client", b"abcdefghij")
    wire.send("server", b"pong" * 5)
    flow = one_flow(wire.packets)
    assert flow.client_stream.data == b"0123456789abcdefghij"
    assert flow.client_stream.base_seq == MOD - 4
    assert flow.server_stream.base_seq == 0
    assert flow.server_stream.data == b"pong" * 5
    assert flow.client_stream.offset_of(3) == 7
    assert flow.client_stream.gaps == () and flow.client_stream.retransmissions == ()
    assert flow.client_stream.acked == 20  # the server's ACK, counted across the wrap
    assert flow.server_stream.acked == 0  # the client never acknowledged the pong


def test_capture_started_mid_connection() -> None:
    wire = Wire(server=("198.19.0.10", 8443), client=("198.18.0.2", 40000))
    wire.handshake()
    wire.send("client", b"first request")
    mark = len(wire.packets)
    wire.send("server", b"answer")
    wire.send("client", b"second")
    packets = wire.packets[mark:]
    # Keep-alives and retransmissions aside, the first byte we see is the lowest offset.
    flow = one_flow(packets)
    assert (flow.client_port, flow.server_port) == (40000, 8443)  # ephemeral side is client
    assert flow.syn is None and flow.syn_ack is None and flow.handshake_rtt is None
    assert flow.client_mss is None and flow.server_mss is None
    assert flow.client_stream.isn is None
    assert flow.client_stream.data == b"second"
    assert flow.server_stream.data == b"answer"


@pytest.mark.parametrize(
    ("a", "b", "client_port"),
    [(443, 50000, 50000), (5000, 40000, 40000), (30000, 20000, 30000), (1023, 1024, 1024)],
)
def test_role_heuristics_without_handshake(a: int, b: int, client_port: int) -> None:
    packet = PacketRecord(
        number=1,
        time=1.0,
        src="198.18.0.2",
        dst="198.18.0.3",
        proto=6,
        sport=a,
        dport=b,
        tcp_flags=ACK,
        seq=10,
        ack=20,
        payload=b"x",
        payload_len=1,
    )
    assert one_flow([packet]).client_port == client_port


def test_syn_ack_alone_names_the_client() -> None:
    wire = Wire()
    wire.handshake()
    flow = one_flow(wire.packets[1:])
    assert flow.client == "198.18.0.2" and flow.syn is None and flow.syn_ack is wire.packets[1]


def test_truncated_payload_is_uncaptured_not_lost() -> None:
    wire = Wire().handshake()
    wire.send("server", b"H" * 200)
    wire.send("server", b"X" * 1400, captured=96)  # snap length cut it
    wire.send("server", b"T" * 100)
    flow = one_flow(wire.packets)
    stream = flow.server_stream
    assert stream.gaps == ()
    assert stream.uncaptured == ((296, 1600),)
    assert stream.data == b"H" * 200 + b"X" * 96
    assert stream.end == 1700
    assert stream.max_payload == 1400
    assert stream.packet_at(1000).payload_len == 1400


def test_new_syn_after_rst_starts_a_new_connection() -> None:
    wire = Wire().handshake()
    wire.send("client", b"hello")
    wire.rst("server")
    second = Wire(
        client_isn=9_000_000, server_isn=4242, first_number=wire.number, start=wire.time + 1
    )
    second.handshake()
    second.send("client", b"again")
    flows = assemble_flows(wire.packets + second.packets)
    assert len(flows) == 2
    assert [f.client_stream.data for f in flows] == [b"hello", b"again"]
    assert len(flows[0].rsts) == 1 and flows[1].rsts == ()
    assert flows[1].syn is second.packets[0]


def test_syn_sent_again_stays_one_connection() -> None:
    wire = Wire()
    first = wire.emit("client", flags=SYN, mss=1460)
    wire.wait(1.0)
    again = wire.emit("client", flags=SYN, mss=1460)
    wire.sides["client"].nxt += 1
    wire.sides["server"].rcv = wire.sides["client"].nxt
    wire.wait(0.04)
    syn_ack = wire.emit("server", flags=SYN | ACK, mss=1400)
    flow = one_flow(wire.packets)
    assert flow.syns == (first, again)
    assert flow.syn is again  # the SYN-ACK answers the latest SYN
    assert flow.syn_ack is syn_ack
    assert flow.handshake_rtt == pytest.approx(0.04 + 0.0001, abs=1e-6)


def test_rst_after_client_hello_is_kept_with_its_ttl() -> None:
    wire = Wire().handshake()
    hello = wire.send("client", b"\x16\x03\x01\x00\x05hello")
    wire.ack("server")
    wire.wait(3.0)
    reset = wire.rst("server", ttl=64)
    flow = one_flow(wire.packets)
    assert flow.rsts == (reset,)
    assert flow.client_stream.packet_at(0) is hello
    assert flow.server_stream.ttls == (52, 64)
    assert reset is not None and reset.time - hello.time == pytest.approx(3.0, abs=0.01)
    assert flow.client_stream.acked == len(b"\x16\x03\x01\x00\x05hello")


def test_dscp_and_ttl_per_direction() -> None:
    wire = Wire()
    wire.sides["server"].dscp = 46
    wire.handshake()
    wire.send("client", b"q")
    wire.send("server", b"a" * 10)
    wire.send("server", b"b" * 10, dscp=0)
    flow = one_flow(wire.packets)
    assert flow.server_stream.dscp_values == (46, 0)
    assert flow.client_stream.dscp_values == (0,)
    assert flow.client_stream.ttls == (64,)
    assert flow.server_stream.ttls == (52,)


def test_keepalive_is_not_a_retransmission() -> None:
    wire = Wire().handshake()
    wire.send("client", b"data!")
    side = wire.sides["client"]
    wire.emit("client", flags=ACK, seq=side.nxt - 1, payload=b"\x00")
    flow = one_flow(wire.packets)
    assert flow.client_stream.retransmissions == ()
    assert flow.client_stream.data == b"data!"


def test_syn_with_data_counts_from_offset_zero() -> None:
    wire = Wire()
    syn = wire.emit("client", flags=SYN, payload=b"early")
    flow = one_flow([syn] if syn else [])
    assert flow.client_stream.data == b"early"


def test_icmp_error_is_attached_to_its_flow() -> None:
    wire = Wire().handshake()
    big = wire.send("client", b"Z" * 1400)
    assert big is not None
    error = icmp_frag_needed(big, router="198.18.0.1", mtu=1280, number=wire.number, time=wire.time)
    other = Wire(client=("198.18.0.2", 50999), first_number=wire.number + 1, start=wire.time)
    other.handshake()
    flows = assemble_flows([*wire.packets, error, *other.packets])
    assert len(flows) == 2
    (found,) = flows[0].icmp_errors
    assert found.packet is error and found.mtu == 1280
    assert found.description == "fragmentation needed, next-hop MTU 1280"
    assert (found.sport, found.dport, found.seq) == (50123, 443, big.seq)
    assert flows[1].icmp_errors == ()


def test_non_tcp_and_portless_packets_are_ignored() -> None:
    udp = PacketRecord(
        number=1, time=1.0, src="198.18.0.2", dst="198.18.0.3", proto=UDP, sport=5, dport=53
    )
    fragment = PacketRecord(number=2, time=1.0, src="198.18.0.2", dst="198.18.0.3", proto=6)
    assert assemble_flows([udp, fragment]) == []


def test_ipv6_flow_and_address_spelling() -> None:
    wire = Wire(client=("2001:db8::2", 50000), server=("2001:db8::10", 443), ip_version=6)
    wire.handshake()
    wire.send("client", b"v6")
    # The decoder may spell addresses differently; the flow key must not care.
    spelled = [dataclasses.replace(p, src=p.src.upper()) for p in wire.packets]
    flow = one_flow(spelled)
    assert flow.id == "[2001:db8::2]:50000->[2001:db8::10]:443"
    assert flow.client_stream.data == b"v6"
    assert flow.is_from_client(spelled[0]) and not flow.is_from_client(spelled[1])


def test_rst_payload_is_not_stream_data() -> None:
    wire = Wire().handshake()
    wire.emit("server", flags=RST | ACK, payload=b"reset reason")
    flow = one_flow(wire.packets)
    assert flow.server_stream.data == b"" and flow.server_stream.end == 0


# Real captures, cross-checked with tshark's own TCP analysis.

REAL = [
    "dns_tcp.pcapng",
    "http_espn.pcapng",
    "http_google.pcapng",
    "http_ip4and6.pcapng",
    "http_post.pcapng",
    "mail_receiver_server_3.pcapng",
    "mail_sender_client_1.pcapng",
    "tcp_handshake.pcapng",
    "tcp_ports.pcapng",
    "tcp_teardown.pcapng",
]


def real_flows(name: str) -> list[TcpFlow]:
    return assemble_flows(read_capture(packets(name)).records)


def tshark_frames(name: str, display_filter: str, *fields: str) -> list[list[str]]:
    args = ["-r", str(packets(name)), "-Y", display_filter, "-T", "fields"]
    out = tshark(*args, *(a for f in fields for a in ("-e", f)))
    return [line.split("\t") for line in out.splitlines()]


def ports(flow: TcpFlow) -> frozenset[int]:
    return frozenset((flow.client_port, flow.server_port))


@pytest.mark.parametrize("name", REAL)
def test_connections_and_handshake_rtt_match_tshark(name: str) -> None:
    flows = real_flows(name)
    conversations = tshark("-r", str(packets(name)), "-q", "-z", "conv,tcp").count("<->")
    assert len(flows) == conversations
    expected = {
        frozenset((int(a), int(b))): float(rtt)
        for a, b, rtt in tshark_frames(
            name,
            "tcp.flags.syn == 1 && tcp.flags.ack == 1",
            "tcp.srcport",
            "tcp.dstport",
            "tcp.analysis.ack_rtt",
        )
    }
    measured = {ports(f): f.handshake_rtt for f in flows if f.handshake_rtt is not None}
    assert measured.keys() == expected.keys()
    for key, rtt in expected.items():
        assert measured[key] == pytest.approx(rtt, abs=2e-6)


def test_tcp_handshake_capture() -> None:
    (flow,) = real_flows("tcp_handshake.pcapng")
    assert (flow.client, flow.client_port) == ("172.16.16.128", 2826)
    assert (flow.server, flow.server_port) == ("212.58.226.142", 80)
    assert flow.handshake_rtt == pytest.approx(0.132627, abs=2e-6)
    assert (flow.syn, flow.syn_ack, flow.handshake_ack) == flow.packets


@pytest.mark.parametrize("name", REAL)
def test_retransmissions_and_dup_acks_match_tshark(name: str) -> None:
    flows = real_flows(name)
    ours_retrans = {
        n for f in flows for s in (f.client_stream, f.server_stream) for n in s.retransmissions
    }
    ours_dups = {n for f in flows for n in (*f.client_dup_acks, *f.server_dup_acks)}
    theirs_retrans = {
        int(r[0]) for r in tshark_frames(name, "tcp.analysis.retransmission", "frame.number")
    }
    theirs_dups = {
        int(r[0]) for r in tshark_frames(name, "tcp.analysis.duplicate_ack", "frame.number")
    }
    assert ours_retrans == theirs_retrans
    assert ours_dups == theirs_dups


def test_segment_not_captured_is_a_gap_where_tshark_says() -> None:
    # tshark: "previous segment not captured" at the frame that follows the hole.
    ((number, seq, stream_port),) = tshark_frames(
        "http_espn.pcapng", "tcp.analysis.lost_segment", "frame.number", "tcp.seq", "tcp.dstport"
    )
    flows = [f for f in real_flows("http_espn.pcapng") if f.client_port == int(stream_port)]
    (flow,) = flows
    ((start, end),) = flow.server_stream.gaps
    assert end == int(seq) - 1  # Wireshark's relative sequence numbers start at 1
    assert flow.server_stream.packet_at(end).number == int(number)
    assert len(flow.server_stream.data) == start
    assert flow.client_stream.gaps == ()


@pytest.mark.parametrize("name", ["http_google.pcapng", "http_post.pcapng", "tcp_ports.pcapng"])
def test_reassembled_bytes_match_tshark_follow(name: str) -> None:
    flows = real_flows(name)
    for index, flow in enumerate(flows):
        out = tshark("-r", str(packets(name)), "-q", "-z", f"follow,tcp,raw,{index}")
        lines = out.split("=" * 67)[1].strip("\n").splitlines()[4:]  # after Follow, Filter, Nodes
        first = b"".join(bytes.fromhex(x) for x in lines if x and not x.startswith("\t"))
        second = b"".join(bytes.fromhex(x.strip()) for x in lines if x.startswith("\t"))
        assert flow.client_stream.data == first, f"stream {index} client bytes"
        assert flow.server_stream.data == second, f"stream {index} server bytes"
