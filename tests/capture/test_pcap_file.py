"""read_capture: real files, the same packets in every container, and files that are damaged."""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import pytest

from tests.capture.corpora import packets, tshark
from wiresleuth.capture.pcap_file import read_capture
from wiresleuth.errors import CaptureFileError

SOURCE = "http_google.pcapng"  # 12 Ethernet frames of one HTTP exchange


def frames(path: Path) -> list[tuple[bytes, float]]:
    from scapy.utils import RawPcapNgReader

    with RawPcapNgReader(str(path)) as reader:
        return [(data, ((meta.tshigh << 32) | meta.tslow) / meta.tsresol) for data, meta in reader]


def write_pcap(
    path: Path, items: list[tuple[bytes, float]], *, nano: bool = False, linktype: int = 1
) -> Path:
    """A classic pcap file, written field by field (the format is four structs)."""
    magic = 0xA1B23C4D if nano else 0xA1B2C3D4
    out = struct.pack("<IHHiIII", magic, 2, 4, 0, 0, 262144, linktype)
    for data, when in items:
        seconds = int(when)
        fraction = round((when - seconds) * (1e9 if nano else 1e6))
        out += struct.pack("<IIII", seconds, fraction, len(data), len(data)) + data
    path.write_bytes(out)
    return path


def test_real_pcapng_against_tshark() -> None:
    path = packets(SOURCE)
    capture = read_capture(path)
    listing = tshark(
        "-r", str(path), "-T", "fields", "-e", "frame.number", "-e", "frame.time_epoch"
    )
    expected = [line.split("\t") for line in listing.splitlines()]
    assert capture.packets == len(expected) == 12
    assert [r.number for r in capture.records] == [int(n) for n, _ in expected]
    for record, (_, when) in zip(capture.records, expected, strict=True):
        assert record.time == pytest.approx(float(when), abs=1e-6)
    assert capture.linktypes == (1,)
    assert capture.skipped == 0 and capture.warnings == ()


def test_arp_frames_keep_their_numbers() -> None:
    capture = read_capture(packets("arp_resolution.pcapng"))
    assert (capture.packets, capture.skipped, capture.records) == (2, 2, ())


@pytest.mark.parametrize("nano", [False, True])
@pytest.mark.parametrize("compress", [False, True])
def test_same_packets_from_pcap_variants(tmp_path: Path, nano: bool, compress: bool) -> None:
    original = read_capture(packets(SOURCE))
    path = write_pcap(tmp_path / "copy.pcap", frames(packets(SOURCE)), nano=nano)
    if compress:
        path = tmp_path / "copy.pcap.gz"
        path.write_bytes(gzip.compress((tmp_path / "copy.pcap").read_bytes()))
    copy = read_capture(path)
    assert copy.warnings == ()
    assert [(r.number, r.src, r.seq, r.payload) for r in copy.records] == [
        (r.number, r.src, r.seq, r.payload) for r in original.records
    ]
    for ours, theirs in zip(copy.records, original.records, strict=True):
        assert ours.time == pytest.approx(theirs.time, abs=1e-6)


def test_file_cut_inside_a_record(tmp_path: Path) -> None:
    items = frames(packets(SOURCE))
    whole = write_pcap(tmp_path / "whole.pcap", items).read_bytes()
    cut = tmp_path / "cut.pcap"
    cut.write_bytes(whole[: len(whole) - 30])  # the last record loses 30 bytes
    capture = read_capture(cut)
    assert capture.packets == 12
    assert [r.number for r in capture.records] == list(range(1, 13))
    assert any("packet 12 is cut short" in w for w in capture.warnings)
    assert capture.records[-1].payload_len > len(capture.records[-1].payload) or (
        capture.records[-1].payload_len == 0
    )


def test_file_cut_inside_a_record_header(tmp_path: Path) -> None:
    items = frames(packets(SOURCE))
    whole = write_pcap(tmp_path / "whole.pcap", items[:3]).read_bytes()
    cut = tmp_path / "cut.pcap"
    cut.write_bytes(whole + b"\x00" * 7)  # a partial fourth record header
    capture = read_capture(cut)
    assert capture.packets == 3
    assert any("ends with 7 bytes that are not a whole packet" in w for w in capture.warnings)


@pytest.mark.parametrize("keep", [100, 500, 1000, 2000])
def test_pcapng_cut_anywhere_is_never_fatal(tmp_path: Path, keep: int) -> None:
    data = packets(SOURCE).read_bytes()
    cut = tmp_path / "cut.pcapng"
    cut.write_bytes(data[:keep])
    capture = read_capture(cut)
    assert capture.packets < 12
    assert capture.warnings  # says the file is damaged or cut
    assert all(r.number <= capture.packets for r in capture.records)


def test_record_with_absurd_length(tmp_path: Path) -> None:
    items = frames(packets(SOURCE))[:2]
    raw = bytearray(write_pcap(tmp_path / "a.pcap", items).read_bytes())
    second = 24 + 16 + len(items[0][0])
    raw[second + 8 : second + 12] = struct.pack("<I", 0xFFFFFF00)  # caplen of record 2
    bad = tmp_path / "bad.pcap"
    bad.write_bytes(bytes(raw))
    capture = read_capture(bad)
    assert capture.packets == 2
    assert capture.records[0].number == 1
    assert any("packet 2" in w for w in capture.warnings)


def test_max_packets(tmp_path: Path) -> None:
    capture = read_capture(packets(SOURCE), max_packets=5)
    assert capture.packets == 5 and len(capture.records) == 5
    assert "only the first 5 packets were read" in capture.warnings


def test_unknown_link_type_only(tmp_path: Path) -> None:
    path = write_pcap(tmp_path / "radio.pcap", [(b"\x00" * 30, 1.0)], linktype=127)
    with pytest.raises(CaptureFileError, match=r"802\.11.*\(127\)"):
        read_capture(path)


def block(kind: int, body: bytes) -> bytes:
    body += b"\x00" * (-len(body) % 4)
    return struct.pack("<II", kind, 12 + len(body)) + body + struct.pack("<I", 12 + len(body))


def test_mixed_link_types_keep_what_we_decode(tmp_path: Path) -> None:
    from scapy.layers.inet import IP, TCP
    from scapy.layers.l2 import Ether

    frame = bytes(
        Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")
        / IP(src="198.18.0.2", dst="198.19.0.10")
        / TCP()
    )

    def epb(interface: int, data: bytes, when: int) -> bytes:
        return block(6, struct.pack("<IIIII", interface, 0, when, len(data), len(data)) + data)

    path = tmp_path / "mixed.pcapng"
    path.write_bytes(
        block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
        + block(1, struct.pack("<HHI", 1, 0, 262144))  # interface 0: Ethernet
        + block(1, struct.pack("<HHI", 127, 0, 262144))  # interface 1: radiotap
        + epb(0, frame, 1_000_000)
        + epb(1, b"\x00" * 20, 2_000_000)
        + epb(0, frame, 3_000_000)
    )
    capture = read_capture(path)
    assert [r.number for r in capture.records] == [1, 3]
    assert [r.time for r in capture.records] == [1.0, 3.0]
    assert capture.linktypes == (1, 127) and capture.skipped == 1
    assert any("1 packets of" in w and "(127)" in w for w in capture.warnings)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"\xd4\xc3", "cut off inside its file header"),
        (b"\xd4\xc3\xb2\xa1\x02\x00", "damaged or truncated file header"),
        (b"\x0a\x0d\x0d\x0a\x00\x00", "damaged or truncated file header"),
        (b"GET / HTTP/1.1\r\n\r\n", "is not a capture file"),
        (b"\x1f\x8bnot really gzip", "damaged or truncated file header"),
    ],
)
def test_files_we_cannot_read(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "x.pcap"
    path.write_bytes(content)
    with pytest.raises(CaptureFileError, match=message):
        read_capture(path)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(CaptureFileError, match="cannot open"):
        read_capture(tmp_path / "nope.pcapng")
    with pytest.raises(CaptureFileError, match="cannot open"):
        read_capture(tmp_path)


def test_header_only_file_is_an_empty_capture(tmp_path: Path) -> None:
    capture = read_capture(write_pcap(tmp_path / "empty.pcap", []))
    assert capture.packets == 0 and capture.records == ()
    assert capture.warnings == ("the file holds no packets",)
