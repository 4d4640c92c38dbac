"""Follow stream: both sides' bytes in the order seen, each once, holes counted."""

from __future__ import annotations

from pathlib import Path

from tests.gui.lab_samples import lab_capture
from wiresleuth.analysis.flows import TcpFlow, assemble_flows
from wiresleuth.analysis.tcp_follow import follow_stream
from wiresleuth.capture.packet_reading import read_packets


def flows(name: str, folder: Path) -> dict[int, TcpFlow]:
    packets = read_packets(lab_capture(name, folder)).records
    return {flow.client_port: flow for flow in assemble_flows(packets)}


def test_the_injected_answer_reads_in_the_servers_stream(tmp_path: Path) -> None:
    chunks = follow_stream(flows("C6", tmp_path)[47568])
    assert [c.from_client for c in chunks] == [True, False]
    hello, answer = chunks
    assert len(hello.data) == 517 and hello.data[:3] == b"\x16\x03\x01"
    assert answer.frame == 27 and answer.data.startswith(b"HTTP/1.0 200 OK\r\n")
    assert b"X-Bypass-Cache: Application and Content Networking System" in answer.data


def test_bytes_never_seen_are_counted_and_a_resent_segment_adds_nothing(tmp_path: Path) -> None:
    c1 = flows("C1", tmp_path)
    hole = follow_stream(c1[56738])
    server = [c for c in hole if not c.from_client]
    assert [(c.frame, c.missing, len(c.data)) for c in server] == [(27, 4096, 285)]
    whole = follow_stream(c1[56708])
    assert sum(len(c.data) for c in whole if not c.from_client) == 5142
    assert all(c.missing == 0 for c in whole)
