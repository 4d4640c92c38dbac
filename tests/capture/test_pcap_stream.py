"""The live pcap stream parser on real captures, fed in every kind of piece."""

from __future__ import annotations

import random
import struct
from pathlib import Path

import pytest

from tests.capture.corpora import corpus
from wiresleuth.capture.pcap_stream import PcapStream, StreamDamaged
from wiresleuth.capture.record_reader import CaptureReader

SAMPLES = ["AoE_Linux.pcap", "huge-tipc-messages.pcap", "ipoib.pcap", "pptp.pcap", "isup.pcap"]
"""Little-endian and big-endian (the last three) classic pcaps of the tcpdump corpus."""


def reference(path: Path) -> tuple[int, list[tuple[bytes, float, int]]]:
    """The file reader's (tshark-checked) records: link type, then (bytes, time, wire length)."""
    with CaptureReader(path) as reader:
        records = [
            (batch.frame(i), float(batch.times[i]), int(batch.wirelens[i]))
            for batch in reader.batches()
            for i in range(len(batch))
        ]
        return reader.interfaces[0].linktype, records


@pytest.mark.parametrize("name", SAMPLES)
def test_random_pieces_give_the_same_frames_as_a_file_reader(name: str) -> None:
    path = corpus("tcpdump-tests") / name
    linktype, expected = reference(path)
    raw = path.read_bytes()
    pieces = random.Random(name)
    stream = PcapStream("eth0")
    frames = []
    offset = 0
    while offset < len(raw):
        size = pieces.choice([1, 2, 3, 15, 16, 17, 23, 24, 25, 100, 1500, 70000])
        frames += stream.feed(raw[offset : offset + size])
        offset += size
    assert stream.pending == 0 and stream.linktype == linktype
    got = [(f.data, f.time, f.wirelen) for f in frames]
    assert [g[0] for g in got] == [e[0] for e in expected]
    assert [g[1] for g in got] == pytest.approx([e[1] for e in expected], abs=1e-6)
    assert [g[2] for g in got] == [max(e[2], len(e[0])) for e in expected]
    assert {f.ifname for f in frames} == {"eth0"} and {f.linktype for f in frames} == {linktype}


def header(magic: bytes = b"\xd4\xc3\xb2\xa1", linktype: int = 1) -> bytes:
    order = "<" if magic[0] in (0xD4, 0x4D) else ">"
    return magic + struct.pack(f"{order}HHiIII", 2, 4, 0, 0, 262144, linktype)


def test_nanosecond_streams_keep_their_resolution() -> None:
    stream = PcapStream("lo")
    record = struct.pack("<IIII", 10, 500_000_000, 2, 60) + b"ab"
    (frame,) = stream.feed(header(b"\x4d\x3c\xb2\xa1") + record)
    assert frame.time == pytest.approx(10.5) and frame.wirelen == 60 and frame.data == b"ab"


def test_a_header_alone_opens_the_stream_and_a_partial_record_waits() -> None:
    stream = PcapStream("any")
    assert stream.feed(header(linktype=113)[:10]) == [] and not stream.header_seen
    assert stream.feed(header(linktype=113)[10:]) == [] and stream.linktype == 113
    assert stream.feed(struct.pack("<IIII", 1, 0, 4, 4) + b"ab") == []
    assert stream.pending == 18
    (frame,) = stream.feed(b"cd")
    assert frame.data == b"abcd" and stream.pending == 0


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (b"\x0a\x0d\x0d\x0a" + bytes(20), "not a pcap stream"),
        (header()[:4] + struct.pack("<HH", 1, 0) + bytes(16), "pcap version 1"),
        (header() + struct.pack("<IIII", 1, 0, 262145, 262145), "record of 262145 bytes"),
    ],
)
def test_damage_stops_the_stream(data: bytes, said: str) -> None:
    with pytest.raises(StreamDamaged, match=said):
        PcapStream("lo").feed(data)
