"""A frame's headers as scapy dissects them, with the byte range of each layer."""

from __future__ import annotations

from pathlib import Path

from tests.gui.lab_samples import lab_capture, tshark_fields
from wiresleuth.capture.frame_bytes import RawFrame, read_frames
from wiresleuth.capture.frame_details import frame_details
from wiresleuth.model.detail_tree import DetailNode


def texts(node: DetailNode) -> list[str]:
    return [node.text] + [t for child in node.children for t in texts(child)]


def test_the_small_mss_syn_shows_its_options_and_each_layer_its_bytes(tmp_path: Path) -> None:
    path = lab_capture("C1", tmp_path)
    frame = read_frames(path, [32])[32]
    dissection = frame_details(frame)
    names = [layer.text.split(":")[0] for layer in dissection.layers]
    assert names == ["Frame 32", "cooked linux", "IP", "TCP"]
    ranges = [(layer.start, layer.end) for layer in dissection.layers]
    assert ranges == [(0, 76), (0, 16), (16, 36), (36, 76)]
    tcp = texts(dissection.layers[3])
    assert "MSS: 536  (maximum segment size)" in tcp
    assert "WScale: 10  (window scale)" in tcp and "SAckOK  (SACK permitted)" in tcp
    (row,) = [r for r in tshark_fields(path, "frame.number", "tcp.seq_raw", "ip.ttl") if r[0] == "32"]
    assert f"seq: {row[1]}" in tcp and f"ttl: {row[2]}" in texts(dissection.layers[2])
    assert dissection.payload_offset is None  # a SYN carries no payload


def test_the_payload_starts_after_the_transport_header(tmp_path: Path) -> None:
    frame = read_frames(lab_capture("C4-nxdomain", tmp_path), [27])[27]
    dissection = frame_details(frame)
    assert dissection.payload_offset == 68 and len(frame.data) - 68 == 517


def test_frames_that_are_not_what_they_claim_do_not_break_the_pane() -> None:
    garbage = RawFrame(number=1, time=0.0, linktype=1, data=b"\x00" * 14 + b"\x45\xff" + b"\x01" * 30, wire_length=46)
    dissection = frame_details(garbage)
    assert dissection.layers[0].text.startswith("Frame 1: 46 bytes on the wire")
    unknown = RawFrame(number=2, time=0.0, linktype=147, data=b"abc", wire_length=3)
    assert [layer.text for layer in frame_details(unknown).layers] == [
        "Frame 2: 3 bytes on the wire, 3 captured, link type not decoded (147)"
    ]
