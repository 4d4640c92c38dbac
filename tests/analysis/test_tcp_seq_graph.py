"""The sequence graph's data: segments, ACKs, SACK blocks and holes, from the C1 lab capture."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from tests.gui.lab_samples import lab_capture
from wiresleuth.analysis.flows import assemble_flows
from wiresleuth.analysis.tcp_seq_graph import sequence_graph
from wiresleuth.capture.packet_reading import read_packets
from wiresleuth.model.packet import ACK, PSH, SYN, PacketRecord


def test_the_c1_hole_is_the_4096_bytes_that_never_arrived(tmp_path: Path) -> None:
    packets = read_packets(lab_capture("C1", tmp_path)).records
    flows = {flow.client_port: flow for flow in assemble_flows(packets)}
    graph = sequence_graph(flows[56738])  # the default handshake (a silent server, it seemed)
    assert graph.sender == "100.64.1.20:443" and graph.receiver == "198.18.1.10:56738"
    assert [(s.start, s.end, s.frame) for s in graph.segments] == [(4097, 4382, 27)]
    (hole,) = graph.holes
    assert (hole.start, hole.end, hole.filled) == (1, 4097, None)
    assert hole.opened == graph.segments[0].time
    assert graph.lost == 4096 and graph.bytes_sent == 4381
    assert {block for ack in graph.acks for block in ack.sacks} == {(4097, 4382)}
    healthy = sequence_graph(flows[56708])  # the MSS-536 retry: everything arrived
    assert healthy.holes == () and healthy.lost == 0 and len(healthy.segments) == 12
    assert max(s.end - s.start for s in healthy.segments) == 524
    client = sequence_graph(flows[56708], from_server=False)
    assert client.sender == "198.18.1.10:56708" and client.segments[0].end - client.segments[0].start == 517


def _segment(number: int, time: float, seq: int, size: int, flags: int = ACK | PSH) -> PacketRecord:
    return PacketRecord(
        number=number, time=time, src="100.64.0.1", dst="198.18.0.2", proto=6, sport=443,
        dport=50000, tcp_flags=flags, seq=seq, ack=1001, window=100, payload_len=size,
    )  # fmt: skip


def test_a_hole_filled_later_closes_when_the_retransmission_arrives() -> None:
    syn = PacketRecord(
        number=1, time=0.0, src="198.18.0.2", dst="100.64.0.1", proto=6, sport=50000, dport=443,
        tcp_flags=SYN, seq=1000, window=100, wscale=2,
    )  # fmt: skip
    syn_ack = replace(_segment(2, 0.1, 5000, 0, SYN | ACK), wscale=3)
    sent = [_segment(3, 0.2, 5001, 100), _segment(4, 0.3, 5201, 100), _segment(5, 0.5, 5101, 100)]
    ack = PacketRecord(
        number=6, time=0.31, src="198.18.0.2", dst="100.64.0.1", proto=6, sport=50000, dport=443,
        tcp_flags=ACK, seq=1001, ack=5101, window=10, sack_blocks=((5201, 5301),),
    )  # fmt: skip
    (flow,) = assemble_flows([syn, syn_ack, *sent, ack])
    graph = sequence_graph(flow)
    (hole,) = graph.holes
    assert (hole.start, hole.end, hole.opened, hole.filled) == (101, 201, 0.3, 0.5)
    assert graph.lost == 0
    (point,) = [a for a in graph.acks if a.frame == 6]
    assert point.ack == 101 and point.sacks == ((201, 301),)
    assert point.window_edge == 101 + 10 * 4  # the client's window scale, 2: times four
