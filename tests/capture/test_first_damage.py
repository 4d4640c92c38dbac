"""The first damaged record is found where Wireshark stops, fed in chunks of any size."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from tests.capture.corpora import packets, tshark
from tests.capture.damaged_sample import FRAMES_BEFORE_DAMAGE, damaged_capture, tshark_frames
from tests.capture.test_record_reader import SOURCE, epb, idb, pcap_bytes, shb
from wiresleuth.capture.first_damage import Damage, DamageFinder


def _find(data: bytes, chunk: int) -> DamageFinder:
    finder = DamageFinder()
    for start in range(0, len(data), chunk):
        finder.feed(data[start : start + chunk])
    return finder


@pytest.mark.parametrize("chunk", [1, 7, 4096, 1 << 20])
def test_the_real_damaged_capture_is_damaged_where_tshark_stops(tmp_path: Path, chunk: int) -> None:
    path = damaged_capture(tmp_path)
    found = _find(path.read_bytes(), chunk).damage
    assert found == Damage(
        frames_before=FRAMES_BEFORE_DAMAGE,
        offset=9572,
        what="a block whose two length fields disagree",
    )
    assert tshark_frames(path) == (FRAMES_BEFORE_DAMAGE, True)
    assert "after frame 38" in found.sentence() and "frames 1 to 38 only" in found.sentence()


@pytest.mark.parametrize("chunk", [1, 5, 1 << 20])
def test_an_intact_capture_has_no_damage_and_every_frame_counts(chunk: int) -> None:
    path = packets(SOURCE)
    finder = _find(path.read_bytes(), chunk)
    assert finder.damage is None
    assert finder.frames == len(tshark("-r", str(path), "-T", "fields", "-e", "frame.number")
                                .split())  # fmt: skip


def test_pcapng_damage_of_every_kind() -> None:
    frames = [epb(0, bytes([65 + i]) * 60, i) for i in range(4)]
    head = shb() + idb(1)
    odd = bytearray(frames[2])
    odd[4:8] = struct.pack("<I", 70)  # not a multiple of 4
    found = _find(head + frames[0] + frames[1] + bytes(odd) + frames[3], 3).damage
    assert found is not None and found.frames_before == 2
    assert found.what == "a block with an impossible length (70 bytes)"
    assert found.offset == len(head) + len(frames[0]) + len(frames[1])
    trailer = bytearray(frames[1])
    trailer[-4:] = b"****"
    found = _find(head + frames[0] + bytes(trailer) + frames[2], 64).damage
    assert found is not None and found.frames_before == 1
    bad_magic = bytearray(shb())
    bad_magic[8:12] = b"\0\0\0\0"
    found = _find(head + frames[0] + bytes(bad_magic) + frames[1], 64).damage
    assert found is not None and found.frames_before == 1
    assert found.what == "a damaged section header"


def test_big_endian_sections_read_whole() -> None:
    data = shb(">") + idb(1, ">") + epb(0, b"x" * 61, 1, ">") + shb() + idb(1) + epb(0, b"y", 2)
    finder = _find(data, 9)
    assert finder.damage is None and finder.frames == 2


def test_pcap_record_of_an_impossible_length() -> None:
    raw = bytearray(pcap_bytes([(bytes([65 + i]) * 90, 5000.0 + i) for i in range(4)]))
    third = 24 + 2 * (16 + 90)
    raw[third + 8 : third + 12] = struct.pack("<I", 0xFFFFFF00)
    found = _find(bytes(raw), 10).damage
    assert found == Damage(
        frames_before=2, offset=third, what="a record of an impossible length (4294967040 bytes)"
    )


def test_a_file_cut_short_is_no_damage_and_other_files_are_not_judged() -> None:
    """Wireshark reads every frame before a cut: the numbers hold (the reader notes the cut)."""
    data = shb() + idb(1) + epb(0, b"a" * 60, 1) + epb(0, b"b" * 60, 2)
    finder = _find(data[:-10], 16)
    assert finder.damage is None and finder.frames == 1
    assert _find(b"GET / HTTP/1.1\r\n\r\n" * 10, 4).damage is None
    assert _find(pcap_bytes([(b"a" * 40, 1.0)])[:30], 1).damage is None
