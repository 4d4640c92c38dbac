"""Frames by number, as the capture file holds them (tshark's own bytes to compare)."""

from __future__ import annotations

from pathlib import Path

from tests.gui.lab_samples import lab_capture, tshark_fields
from wiresleuth.capture.frame_bytes import read_frames


def test_frames_are_the_files_bytes(tmp_path: Path) -> None:
    path = lab_capture("C4-nxdomain", tmp_path)
    frames = read_frames(path, [128, 1, 27, 9999, 0])
    assert sorted(frames) == [1, 27, 128]  # numbers the file does not have are left out
    rows = {int(n): (raw, link) for n, raw, link in tshark_fields(path, "frame.number", "frame.len", "frame.encap_type")}
    for number, frame in frames.items():
        assert frame.number == number and frame.wire_length == int(rows[number][0])
        assert len(frame.data) == frame.wire_length and frame.linktype == 113  # Linux cooked
    assert read_frames(path, []) == {}
