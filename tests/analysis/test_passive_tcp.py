"""TcpAnalyser on scripted exchanges: Wireshark's flags, handshake timing, holes, TLS walk."""

from __future__ import annotations

import dataclasses

import pytest

from tests.analysis.scripted import Wire
from wiresleuth.analysis.passive_tcp import (
    TcpAnalyser,
    TcpConversation,
    segments_from_records,
)
from wiresleuth.model.packet import ACK, FIN, PSH, SYN, PacketRecord


def analyse(records: list[PacketRecord], *, batches: int = 1) -> list[TcpConversation]:
    analyser = TcpAnalyser()
    addresses: list[str] = []
    size = max(1, -(-len(records) // batches))
    for start in range(0, len(records), size):
        analyser.add(segments_from_records(records[start : start + size], addresses))
    return analyser.conversations()


def one(records: list[PacketRecord]) -> TcpConversation:
    (conv,) = analyse(records)
    return conv


def test_handshake_roles_and_figures() -> None:
    wire = Wire().handshake(rtt=0.085)
    wire.send("client", b"GET / HTTP/1.1\r\n\r\n")
    wire.wait(0.09)
    wire.send("server", b"HTTP/1.1 200 OK\r\n\r\n" + b"x" * 500)
    wire.fin("client")
    wire.fin("server")
    wire.ack("client")
    conv = one(wire.packets)
    assert conv.id == "198.18.0.2:50123->198.19.0.10:443" and conv.roles_known
    assert conv.a == ("198.18.0.2", 50123) and conv.index == 0
    assert conv.handshake_rtt == pytest.approx(0.0851, abs=1e-6)
    assert conv.initial_rtt == pytest.approx(0.0854, abs=1e-6)
    assert [m.frame for m in conv.syns] == [1] and conv.syn_ack is not None
    assert conv.syn_ack.frame == 2 and conv.handshake_ack is not None
    assert conv.handshake_ack.frame == 3 and (conv.client_mss, conv.server_mss) == (1460, 1400)
    assert (conv.client.frames, conv.server.frames) == (5, 3)
    assert conv.client.frame_bytes == sum(p.length + 14 for p in wire.packets if p.sport == 50123)
    assert conv.client.prefix == b"GET / HTTP/1.1\r\n\r\n"
    assert conv.server.first_data_frame == 5 and conv.server.max_segment == 519
    assert conv.duration == pytest.approx(wire.packets[-1].time - wire.packets[0].time)
    assert all(v == 0 for k, v in conv.client.counts.items()) and not conv.server.holes


def test_loss_dup_acks_and_fast_retransmission() -> None:
    wire = Wire().handshake(rtt=0.05)
    wire.send("client", b"C" * 300)
    wire.wait(0.05)
    wire.send("server", b"A" * 1400)
    wire.send("server", b"B" * 1400, lost=True)
    for chunk in (b"C", b"D", b"E"):
        wire.send("server", chunk * 1400)
        wire.ack("client")  # acknowledges A only: duplicate ACKs
    wire.wait(0.001)
    fixed = wire.resend("server", 1400)  # the lost segment, within 20 ms of the last dup
    wire.ack("client")
    conv = one(wire.packets)
    server, client = conv.server, conv.client
    assert server.counts["lost-segment"] == 1
    assert client.counts["duplicate-ack"] == 2  # the first ACK of A is not a duplicate
    assert server.counts["fast-retransmission"] == 1 and server.retransmissions == 1
    assert fixed is not None and server.frames_of["fast-retransmission"] == (fixed.number,)
    assert server.holes == ()  # the retransmission filled it
    assert server.retransmitted == ((fixed.number, 1400, 1400, fixed.time),)


def test_hole_never_filled_is_kept_with_the_frame_after_it() -> None:
    wire = Wire().handshake()
    wire.send("client", b"hello")
    wire.send("server", b"x" * 1400, lost=True)
    late = wire.send("server", b"y" * 300)
    wire.ack("client")
    conv = one(wire.packets)
    assert late is not None
    ((hole),) = conv.server.holes
    assert (hole.start, hole.end, hole.frame_after) == (0, 1400, late.number)
    assert conv.server.max_segment == 300


def test_retransmission_after_a_timeout() -> None:
    wire = Wire().handshake()
    first = wire.send("server", b"z" * 1000)
    wire.wait(0.5)
    again = wire.resend("server", 0)
    conv = one(wire.packets)
    assert first is not None and again is not None
    assert conv.server.frames_of["retransmission"] == (again.number,)
    assert conv.server.counts.get("fast-retransmission", 0) == 0


def test_spurious_retransmission_of_acknowledged_data() -> None:
    wire = Wire().handshake()
    wire.send("server", b"q" * 500)
    wire.ack("client")
    wire.wait(0.3)
    again = wire.resend("server", 0)
    conv = one(wire.packets)
    assert again is not None
    assert conv.server.frames_of["spurious-retransmission"] == (again.number,)
    assert conv.server.retransmissions == 1


def test_zero_window_probe_and_window_update() -> None:
    wire = Wire().handshake()
    wire.send("server", b"d" * 1000)
    closed = wire.ack("client", window=0)
    wire.wait(0.2)
    probe = wire.emit("server", flags=PSH | ACK, payload=b"p")
    probe_ack = wire.ack("client", window=0)
    wire.wait(0.3)
    update = wire.ack("client", window=1000)
    conv = one(wire.packets)
    assert closed and probe and probe_ack and update
    assert conv.client.frames_of["zero-window"] == (closed.number, probe_ack.number)
    assert conv.server.frames_of["zero-window-probe"] == (probe.number,)
    assert conv.client.frames_of["zero-window-probe-ack"] == (probe_ack.number,)
    assert conv.client.frames_of["window-update"] == (update.number,)


def test_keep_alive_and_its_ack() -> None:
    wire = Wire().handshake()
    wire.send("client", b"k" * 10)
    wire.ack("server")
    wire.wait(45)
    alive = wire.emit("client", flags=ACK, seq=wire.sides["client"].nxt - 1)
    answer = wire.ack("server")
    conv = one(wire.packets)
    assert alive and answer
    assert conv.client.frames_of["keep-alive"] == (alive.number,)
    assert conv.server.frames_of["keep-alive-ack"] == (answer.number,)
    assert conv.server.counts.get("duplicate-ack", 0) == 0


def test_syn_sent_again_times_the_handshake_from_the_first_syn() -> None:
    wire = Wire()
    wire.emit("client", flags=SYN, mss=1460)
    wire.wait(1.0)
    wire.emit("client", flags=SYN, mss=1460)  # the same ISN: the same conversation
    wire.sides["client"].nxt += 1
    wire.sides["server"].rcv = wire.sides["client"].nxt
    wire.wait(0.02)
    wire.emit("server", flags=SYN | ACK, mss=1400)
    conv = one(wire.packets)
    assert [m.frame for m in conv.syns] == [1, 2]
    assert conv.handshake_rtt == pytest.approx(1.0202, abs=1e-6)  # as tcp.analysis.ack_rtt


def test_new_isn_on_the_same_ports_is_a_new_conversation() -> None:
    first = Wire().handshake()
    first.fin("client")
    second = Wire(client_isn=9_000_000, start=first.time + 1, first_number=first.number)
    second.handshake()
    convs = analyse(first.packets + second.packets)
    assert [c.index for c in convs] == [0, 1]
    assert [c.first_frame for c in convs] == [1, first.number]


def test_reset_marks_and_ttl_per_direction() -> None:
    wire = Wire().handshake()
    wire.send("client", b"\x16\x03\x01\x00\x05hello")
    wire.wait(3.0)
    rst = wire.rst("server", ttl=62)
    conv = one(wire.packets)
    assert rst is not None and conv.server.reset_count == 1
    (mark,) = conv.server.resets
    assert (mark.frame, mark.ttl) == (rst.number, 62)
    assert conv.server.ttls == {52: 2, 62: rst.number}


def test_tls_walk_finds_plaintext_after_records_split_across_segments() -> None:
    records = b"\x16\x03\x03\x00\x04ABCD" + b"\x17\x03\x03\x00\x03xyz"
    injected = b"HTTP/1.0 200 OK\r\nVia: cache\r\n\r\n"
    stream = records + injected
    wire = Wire().handshake()
    wire.send("client", b"\x16\x03\x01\x00\x02\x01\x00")
    wire.send("server", stream[:7])  # cuts the second record's header... after byte 7
    wire.send("server", stream[7:12])
    carrier = wire.send("server", stream[12:])
    conv = one(wire.packets)
    walk = conv.server.tls
    assert carrier is not None
    assert walk.records == 2 and walk.non_tls_offset == len(records)
    assert walk.non_tls_frame == carrier.number and walk.text == injected
    assert [r.kind for r in walk.handshake] == [ord("A")]
    assert conv.client.tls.first_handshake(1) is not None


def test_tls_walk_with_segments_out_of_order() -> None:
    record = b"\x17\x03\x03\x05\xdc" + b"r" * 1500
    stream = record * 3
    wire = Wire().handshake()
    wire.send("client", b"\x16\x03\x01\x00\x02\x01\x00")
    chunks = [stream[i : i + 1000] for i in range(0, len(stream), 1000)]
    sent = [wire.send("server", chunk, lost=(i == 1)) for i, chunk in enumerate(chunks)]
    assert sent[1] is None
    wire.resend("server", 1000)  # the hole (and the second header) arrives last
    conv = one(wire.packets)
    assert conv.server.tls.records == 3 and conv.server.tls.non_tls_offset is None


def test_batches_and_one_pass_agree() -> None:
    wire = Wire().handshake()
    for _ in range(20):
        wire.send("client", b"r" * 200)
        wire.send("server", b"s" * 1400, lost=(wire.number % 7 == 0))
        wire.ack("client")
    whole = analyse(wire.packets)
    chopped = analyse(wire.packets, batches=9)
    assert [dataclasses.asdict(c) for c in whole] == [dataclasses.asdict(c) for c in chopped]


def test_roles_guessed_without_handshake() -> None:
    wire = Wire(client=("198.18.0.2", 51000), server=("198.19.0.10", 993))
    wire.sides["client"].nxt = wire.sides["server"].rcv = 5000
    wire.sides["server"].nxt = wire.sides["client"].rcv = 9000
    wire.send("server", b"* OK IMAP")
    wire.send("client", b"a1 LOGIN")
    conv = one(wire.packets)
    assert not conv.roles_known and conv.server.port == 993 and conv.a[1] == 993
    assert conv.handshake_rtt is None and conv.syns == ()


def test_data_with_fin_ends_the_stream_at_the_right_offset() -> None:
    wire = Wire().handshake()
    wire.emit("client", flags=PSH | ACK | FIN, payload=b"bye")
    conv = one(wire.packets)
    assert conv.client.fins and conv.client.end_offset == 4  # 3 bytes and the FIN


def test_turns_are_counted_and_the_first_ones_kept() -> None:
    from tests.analysis.test_passive_latency import exchange
    from wiresleuth.analysis.passive_tcp import TURNS_KEPT

    wire = exchange(server_thinks=(0.01,) * 10)
    analyser = TcpAnalyser()
    analyser.add(segments_from_records(wire.packets))
    (conv,) = analyser.conversations()
    assert conv.turn_count == 20 and len(conv.turns) == TURNS_KEPT
    assert [t.from_client for t in conv.turns] == [True, False] * (TURNS_KEPT // 2)
    request, answer = conv.turns[:2]
    assert request.ack_frame == answer.first_frame - 1  # the server's pure ACK, then its answer
    assert answer.first_time - request.ack_time == pytest.approx(0.01, abs=0.001)
