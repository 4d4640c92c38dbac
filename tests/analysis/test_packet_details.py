"""A payload's details tree: TLS records, HTTP lines, DNS sections, each with its bytes."""

from __future__ import annotations

from pathlib import Path

from tests.gui.lab_samples import lab_capture
from wiresleuth.analysis.packet_details import payload_details
from wiresleuth.capture.packet_reading import read_packets
from wiresleuth.model.detail_tree import DetailNode
from wiresleuth.model.packet import PacketRecord


def lines(nodes: list[DetailNode]) -> list[str]:
    found: list[str] = []
    for node in nodes:
        found.append(node.text)
        found += lines(list(node.children))
    return found


def packets(tmp_path: Path) -> dict[int, PacketRecord]:
    return {p.number: p for p in read_packets(lab_capture("C4-nxdomain", tmp_path)).records}


def test_a_client_hello_record_its_message_and_what_it_asks_for(tmp_path: Path) -> None:
    packet = packets(tmp_path)[27]
    (record,) = payload_details(packet)
    assert record.text == "TLS record: Handshake, 512 bytes"
    assert (record.start, record.end) == (0, 517)
    text = lines([record])
    assert "Version: TLS 1.0 (0x0301)" in text
    assert "Handshake: Client Hello, 508 bytes" in text
    assert "Server name (SNI): www.lab.test" in text and "ALPN: http/1.1" in text


def test_an_alert_an_http_head_and_a_dns_answer(tmp_path: Path) -> None:
    found = packets(tmp_path)
    alert = lines(payload_details(found[100]))
    assert "Alert: fatal, decode_error" in alert
    (http,) = payload_details(found[68])
    assert http.text == "HTTP response" and http.children[0].text == "HTTP/1.1 404 Not Found"
    assert (http.children[0].start, http.children[0].end) == (0, 24)  # the line and its CRLF
    assert any(c.text == "Server: isp-search (lab)" for c in http.children)
    dns = lines(payload_details(found[9]))
    assert "ID: 0xb9e6" in dns and "Answers (1)" in dns
    assert any(line.startswith("wpad-pac.lab.test.") and line.endswith("A 100.64.1.80") for line in dns)


def test_ranges_move_with_the_payload(tmp_path: Path) -> None:
    node = DetailNode(text="a", start=0, end=5, children=(DetailNode(text="b", start=1, end=2),))
    moved = node.shifted(68)
    assert (moved.start, moved.end, moved.children[0].start) == (68, 73, 69)
    assert DetailNode(text="no bytes").shifted(10).start is None
