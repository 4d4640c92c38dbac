"""CaptureReader: every container variant gives the same records; damage is skipped, said."""

from __future__ import annotations

import gzip
import re
import struct
from pathlib import Path

import pytest

from tests.capture.corpora import corpus, names, packets
from tests.capture.damaged_sample import FRAMES_BEFORE_DAMAGE, damaged_capture, tshark_frames
from wiresleuth.capture.record_reader import CaptureReader, RecordBatch
from wiresleuth.errors import CaptureFileError

SOURCE = "http_google.pcapng"  # 12 Ethernet frames of one HTTP exchange


def read_all(path: Path, **kw: int) -> tuple[list[tuple[int, bytes, float, int]], CaptureReader]:
    """(number, frame, time, linktype) of every record, and the reader (closed)."""
    out: list[tuple[int, bytes, float, int]] = []
    with CaptureReader(path, **kw) as reader:
        for batch in reader.batches():
            for i in range(len(batch)):
                out.append(
                    (batch.first_number + i, batch.frame(i), float(batch.times[i]),
                     int(batch.linktypes[i]))
                )  # fmt: skip
    return out, reader


def scapy_frames(path: Path) -> list[tuple[bytes, float]]:
    from scapy.utils import RawPcapNgReader

    with RawPcapNgReader(str(path)) as reader:
        return [(data, ((meta.tshigh << 32) | meta.tslow) / meta.tsresol) for data, meta in reader]


def pcap_bytes(
    items: list[tuple[bytes, float]], *, endian: str = "<", nano: bool = False, linktype: int = 1
) -> bytes:
    magic = 0xA1B23C4D if nano else 0xA1B2C3D4
    scale = 1_000_000_000 if nano else 1_000_000
    out = struct.pack(endian + "IHHiIII", magic, 2, 4, 0, 0, 262144, linktype)
    for data, when in items:
        seconds, fraction = divmod(round(when * scale), scale)
        out += struct.pack(endian + "IIII", seconds, fraction, len(data), len(data)) + data
    return out


def block(kind: int, body: bytes, endian: str = "<") -> bytes:
    body += b"\x00" * (-len(body) % 4)
    size = 12 + len(body)
    return struct.pack(endian + "II", kind, size) + body + struct.pack(endian + "I", size)


def shb(endian: str = "<") -> bytes:
    return block(0x0A0D0D0A, struct.pack(endian + "IHHq", 0x1A2B3C4D, 1, 0, -1), endian)


def idb(linktype: int, endian: str = "<", *, tsresol: int | None = None, offset: int = 0) -> bytes:
    options = b""
    if tsresol is not None:
        options += struct.pack(endian + "HH", 9, 1) + bytes([tsresol]) + b"\x00" * 3
    if offset:
        options += struct.pack(endian + "HHq", 14, 8, offset)
    if options:
        options += struct.pack(endian + "HH", 0, 0)
    return block(1, struct.pack(endian + "HHI", linktype, 0, 262144) + options, endian)


def epb(interface: int, data: bytes, ticks: int, endian: str = "<") -> bytes:
    head = struct.pack(
        endian + "IIIII", interface, ticks >> 32, ticks & 0xFFFFFFFF, len(data), len(data)
    )
    return block(6, head + data, endian)


@pytest.fixture(scope="module")
def items() -> list[tuple[bytes, float]]:
    return scapy_frames(packets(SOURCE))


def test_pcapng_matches_scapy(items: list[tuple[bytes, float]]) -> None:
    records, reader = read_all(packets(SOURCE))
    assert [(frame, when) for _, frame, when, _ in records] == items
    assert [n for n, *_ in records] == list(range(1, 13))
    assert reader.format == "pcapng" and reader.packets == 12 and reader.warnings == []


@pytest.mark.parametrize("endian", ["<", ">"])
@pytest.mark.parametrize("nano", [False, True])
@pytest.mark.parametrize("compress", [False, True])
def test_every_pcap_variant(
    tmp_path: Path, items: list[tuple[bytes, float]], endian: str, nano: bool, compress: bool
) -> None:
    data = pcap_bytes(items, endian=endian, nano=nano)
    path = tmp_path / "copy.pcap"
    path.write_bytes(gzip.compress(data) if compress else data)
    records, reader = read_all(path)
    assert [frame for _, frame, _, _ in records] == [frame for frame, _ in items]
    for (_, _, ours, linktype), (_, theirs) in zip(records, items, strict=True):
        assert ours == pytest.approx(theirs, abs=1e-6) and linktype == 1
    assert reader.compressed is compress and reader.warnings == []


def test_sections_byte_orders_interfaces_and_block_kinds(tmp_path: Path) -> None:
    eth, raw = b"E" * 60, b"\x45" + b"R" * 39
    content = (
        shb("<")
        + idb(1, "<")  # microseconds
        + idb(101, "<", tsresol=9, offset=100)  # nanoseconds, 100 s later
        + epb(0, eth, 1_000_000)
        + block(4, b"\x00" * 8)  # name resolution block: skipped
        + epb(1, raw, 2_000_000_000)
        + block(3, struct.pack("<I", len(eth)) + eth)  # simple packet block, interface 0
        + shb(">")  # a second section, big-endian, with its own interfaces
        + idb(1, ">", tsresol=0x80 | 10)  # 2**-10 s
        + block(2, struct.pack(">HHIIII", 0, 0, 0, 3 * 1024, len(eth), len(eth)) + eth, ">")
        + epb(0, eth, 4 * 1024, ">")
    )
    path = tmp_path / "mixed.pcapng"
    path.write_bytes(content)
    records, reader = read_all(path)
    assert [n for n, *_ in records] == [1, 2, 3, 4, 5]
    assert [lt for *_, lt in records] == [1, 101, 1, 1, 1]
    times = [when for _, _, when, _ in records]
    assert times[0] == 1.0 and times[1] == 102.0 and times[3:] == [3.0, 4.0]
    assert times[2] == times[1]  # a simple packet block has no time: the previous one's
    assert [len(frame) for _, frame, _, _ in records] == [60, 40, 60, 60, 60]
    assert len(reader.interfaces) == 3 and reader.warnings == []


def test_small_batches_give_the_same_records_in_bounded_buffers(tmp_path: Path) -> None:
    frames = [(bytes([i % 256]) * (200 + i % 1300), 1000.0 + i / 100) for i in range(3000)]
    path = tmp_path / "many.pcap"
    path.write_bytes(pcap_bytes(frames))
    whole, _ = read_all(path)
    batches: list[RecordBatch] = []
    with CaptureReader(path, batch_bytes=1 << 16) as reader:
        batches = list(reader.batches())
    assert len(batches) > 20
    assert max(len(b.buffer) for b in batches) <= 2 * (1 << 16) + 2000
    chopped = [(b.first_number + i, b.frame(i)) for b in batches for i in range(len(b))]
    assert chopped == [(n, frame) for n, frame, _, _ in whole]
    assert [frame for _, frame, _, _ in whole] == [frame for frame, _ in frames]


@pytest.mark.parametrize("kind", ["pcap", "pcapng"])
def test_a_small_file_is_read_without_a_batch_sized_buffer(
    tmp_path: Path, items: list[tuple[bytes, float]], kind: str
) -> None:
    """A read asks for no more than the file holds: zeroing 16 MB at each of a one-packet
    file's reads was a tenth of ``wiresleuth analyze``'s start (issue 15)."""
    import tracemalloc

    path = tmp_path / f"small.{kind}"
    if kind == "pcap":
        path.write_bytes(pcap_bytes(items[:1]))
    else:
        path.write_bytes(shb() + idb(1) + epb(0, items[0][0], 1))
    tracemalloc.start()
    try:
        records, _ = read_all(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(records) == 1
    assert peak < 1 << 20, peak


def test_a_file_that_grows_while_it_is_read_is_read_on(tmp_path: Path) -> None:
    frames = [(bytes([i % 256]) * 1200, 1000.0 + i) for i in range(400)]
    whole = pcap_bytes(frames)
    path = tmp_path / "growing.pcap"
    path.write_bytes(whole[: len(whole) // 3])
    with CaptureReader(path, batch_bytes=1 << 16) as reader:
        read = reader.batches()
        first = next(read)
        path.write_bytes(whole)  # the capture goes on being written meanwhile
        batches = [first, *read]
    frames_read = [b.frame(i) for b in batches for i in range(len(b))]
    assert frames_read == [frame for frame, _ in frames]


def test_record_with_impossible_length_is_skipped_and_reading_goes_on(tmp_path: Path) -> None:
    frames = [(bytes([65 + i]) * 90, 5000.0 + i) for i in range(6)]
    raw = bytearray(pcap_bytes(frames))
    third = 24 + 2 * (16 + 90)
    raw[third + 8 : third + 12] = struct.pack("<I", 0xFFFFFF00)  # caplen of record 3
    path = tmp_path / "bad.pcap"
    path.write_bytes(bytes(raw))
    records, reader = read_all(path)
    # record 3 keeps its number (damaged); the reader finds record 4 after the garbage
    assert [(n, frame[:1]) for n, frame, _, _ in records] == [
        (1, b"A"), (2, b"B"), (4, b"D"), (5, b"E"), (6, b"F"),
    ]  # fmt: skip
    assert any("packet 3 has an impossible length" in w for w in reader.warnings)
    assert [(g.after, g.before) for g in reader.gaps] == [(2, 4)]  # where frames were lost


def test_pcapng_block_with_broken_length_is_skipped(tmp_path: Path) -> None:
    frames = [bytes([65 + i]) * 64 for i in range(4)]
    blocks = [epb(0, frame, i * 1_000_000) for i, frame in enumerate(frames)]
    broken = bytearray(blocks[1])
    broken[4:8] = struct.pack("<I", 7)  # not a multiple of 4
    path = tmp_path / "bad.pcapng"
    path.write_bytes(shb() + idb(1) + blocks[0] + bytes(broken) + blocks[2] + blocks[3])
    records, reader = read_all(path)
    # The damaged block keeps its number, as an empty frame (as a damaged pcap record does).
    assert [(n, frame[:1]) for n, frame, _, _ in records] == [
        (1, b"A"), (2, b""), (3, b"C"), (4, b"D"),
    ]  # fmt: skip
    assert any(
        w.startswith("frame 2 is damaged (a block with an impossible length (7 bytes)); ")
        for w in reader.warnings
    )
    assert reader.renumbered_after == 1


def _masked_across_blocks(tmp_path: Path) -> Path:
    """Six frames whose third block's trailing length and the fourth's header are ``*``, as
    a redaction that searched the file as plain bytes once left them (damaged_sample)."""
    frames = [bytes([65 + i]) * 64 for i in range(6)]
    blocks = [epb(0, frame, i * 1_000_000) for i, frame in enumerate(frames)]
    data = bytearray(shb() + idb(1) + b"".join(blocks))
    third_end = len(shb() + idb(1)) + sum(len(b) for b in blocks[:3])
    data[third_end - 10 : third_end + 30] = b"*" * 40
    path = tmp_path / "masked.pcapng"
    path.write_bytes(bytes(data))
    return path


def test_skipped_damage_names_its_frame_and_what_it_does_to_numbers(tmp_path: Path) -> None:
    """Wireshark stops at the damage; the reader goes on and says that the numbers after it
    are its own (the skipped bytes held a packet here: its number is not Wireshark's)."""
    path = _masked_across_blocks(tmp_path)
    records, reader = read_all(path)
    assert [(n, frame[:1]) for n, frame, _, _ in records] == [
        (1, b"A"), (2, b"B"), (3, b""), (4, b"E"), (5, b"F"),
    ]  # fmt: skip
    assert reader.renumbered_after == 2
    [note] = reader.warnings
    assert note.startswith("frame 3 is damaged (a block whose two length fields disagree); ")
    assert "Wireshark stops reading the file at this damage and shows frames 1 to 2 only" in note
    assert "numbered from 4 on by WireSleuth alone" in note
    assert tshark_frames(path) == (2, True)


def test_intact_files_keep_wiresharks_numbers() -> None:
    with CaptureReader(packets(SOURCE)) as reader:
        assert sum(len(b) for b in reader.batches()) == 12
    assert reader.renumbered_after is None and reader.warnings == []


def test_the_real_damaged_capture(tmp_path: Path) -> None:
    """Our own C1 bundle damaged by an old redaction: Wireshark's 38 frames, then ours."""
    path = damaged_capture(tmp_path)
    records, reader = read_all(path)
    assert reader.renumbered_after == FRAMES_BEFORE_DAMAGE == tshark_frames(path)[0]
    assert [n for n, *_ in records] == list(range(1, 74))
    assert records[38][1] == b""  # frame 39: the damaged block
    assert len(reader.warnings) == 1 and reader.warnings[0].startswith(
        "frame 39 is damaged (a block whose two length fields disagree); 5192 bytes were "
        "skipped to the next readable block. Wireshark stops reading the file at this damage "
        "and shows frames 1 to 38 only; the frames after it are numbered from 40 on"
    )


def test_file_cut_inside_the_last_record(tmp_path: Path, items: list[tuple[bytes, float]]) -> None:
    whole = pcap_bytes(items)
    path = tmp_path / "cut.pcap"
    path.write_bytes(whole[:-30])
    records, reader = read_all(path)
    assert len(records) == 12 and len(records[-1][1]) == len(items[-1][0]) - 30
    assert any("packet 12 is cut short" in w for w in reader.warnings)
    path.write_bytes(pcap_bytes(items[:3]) + b"\x00" * 7)
    records, reader = read_all(path)
    assert len(records) == 3
    assert any("ends with 7 bytes" in w for w in reader.warnings)


def test_pcapng_cut_anywhere_is_never_fatal(tmp_path: Path) -> None:
    data = packets(SOURCE).read_bytes()
    for keep in (60, 300, 1000, 2000, len(data) - 3):
        path = tmp_path / "cut.pcapng"
        path.write_bytes(data[:keep])
        records, reader = read_all(path)
        assert len(records) < 12 and reader.warnings


def test_max_packets(items: list[tuple[bytes, float]]) -> None:
    records, reader = read_all(packets(SOURCE), max_packets=5)
    assert len(records) == 5 and "only the first 5 packets were read" in reader.warnings


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"\xd4\xc3", "cut off inside its file header"),
        (b"\xd4\xc3\xb2\xa1\x02\x00", "damaged or truncated file header"),
        (b"\x0a\x0d\x0d\x0a\x00\x00", "damaged or truncated file header"),
        (b"GET / HTTP/1.1\r\n\r\n", "is not a capture file"),
        (b"\x1f\x8bnot really gzip", "compressed .gzip. but damaged"),
    ],
)
def test_files_we_cannot_read(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "x.pcap"
    path.write_bytes(content)
    with pytest.raises(CaptureFileError, match=message):
        CaptureReader(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CaptureFileError, match="cannot open"):
        CaptureReader(tmp_path / "nope.pcapng")


@pytest.mark.parametrize("name", names("tcpdump-tests"))
def test_same_records_as_scapy_on_the_tcpdump_corpus(name: str) -> None:
    """scapy's reader is the reference; it keeps at most 65535 bytes of a record."""
    from scapy.utils import RawPcapReader

    path = corpus("tcpdump-tests") / name
    try:
        with path.open("rb") as handle:
            theirs = [data for data, _ in RawPcapReader(handle)]  # type: ignore[arg-type]
    except Exception:
        pytest.skip("scapy cannot read it either")
    try:
        records, _ = read_all(path)
    except CaptureFileError:
        pytest.fail("scapy reads this file, we reject it")
    assert [frame[:65535] for _, frame, _, _ in records] == theirs


# -- hostile files (issue 20, items 6 and 8) ------------------------------------------------


@pytest.mark.parametrize(
    ("tsresol", "shown"),
    [(19, "10^19"), (127, "10^127"), (0x80 | 63, "2^63"), (0x80 | 127, "2^127")],
)
def test_an_absurd_timestamp_resolution_is_a_plain_error(
    tmp_path: Path, tsresol: int, shown: str
) -> None:
    path = tmp_path / "x.pcapng"
    path.write_bytes(shb() + idb(1, tsresol=tsresol) + epb(0, b"E" * 60, 1000))
    with pytest.raises(CaptureFileError, match=rf"interface 0 declares .*{re.escape(shown)}"):
        read_all(path)


def test_the_finest_real_resolutions_still_read(tmp_path: Path) -> None:
    path = tmp_path / "x.pcapng"
    path.write_bytes(
        shb() + idb(1, tsresol=18) + idb(1, tsresol=0x80 | 59) + epb(0, b"E" * 60, 3 * 10**18)
        + epb(1, b"F" * 60, 2**59)
    )  # fmt: skip
    records, reader = read_all(path)
    assert [when for _, _, when, _ in records] == [3.0, 1.0] and reader.warnings == []


def test_an_absurd_time_offset_is_a_plain_error(tmp_path: Path) -> None:
    path = tmp_path / "x.pcapng"
    path.write_bytes(shb() + idb(1, offset=1 << 62) + epb(0, b"E" * 60, 1000))
    with pytest.raises(CaptureFileError, match=r"time offset of 4611686018427387904 seconds"):
        read_all(path)


def test_impossible_timestamps_take_the_previous_one_and_are_noted(tmp_path: Path) -> None:
    path = tmp_path / "x.pcapng"
    path.write_bytes(
        shb() + idb(1, tsresol=0) + epb(0, b"A" * 60, 1000) + epb(0, b"B" * 60, 2**63)
        + epb(0, b"C" * 60, 1001)
    )  # fmt: skip
    records, reader = read_all(path)
    assert [when for _, _, when, _ in records] == [1000.0, 1000.0, 1001.0]
    assert any("packet 2 has an impossible timestamp" in w for w in reader.warnings)


def test_twenty_thousand_sections_read_in_one_batch(tmp_path: Path) -> None:
    """Each section used to end a batch, and each batch rebuilt arrays over every interface
    seen so far: 50 000 sections took 221 s. Now sections in one byte order share batches."""
    sections = 20_000
    section = shb() + idb(1) + epb(0, b"E" * 60, 1_000_000)
    path = tmp_path / "sections.pcapng"
    path.write_bytes(section * sections)
    with CaptureReader(path) as reader:
        batches = list(reader.batches())
    assert len(batches) == 1 and reader.packets == sections
    assert batches[0].interfaces.tolist() == list(range(sections))
    assert reader.warnings == []


def test_sections_that_change_byte_order_still_map_their_own_interfaces(tmp_path: Path) -> None:
    content = b"".join(
        shb(e) + idb(1 if e == "<" else 101, e) + idb(1, e) + epb(1, b"E" * 60, 10**6 * i, e)
        + epb(0, b"F" * 60, 10**6 * i + 1, e)
        for i, e in enumerate("<<>><")
    )  # fmt: skip
    path = tmp_path / "mixed.pcapng"
    path.write_bytes(content)
    records, reader = read_all(path)
    assert [lt for *_, lt in records] == [1, 1, 1, 1, 1, 101, 1, 101, 1, 1]
    assert [round(when, 6) for _, _, when, _ in records] == [
        t for i in range(5) for t in (float(i), i + 1e-6)
    ]
    assert len(reader.interfaces) == 10 and reader.warnings == []


def test_damage_inside_a_batch_does_not_end_it(tmp_path: Path) -> None:
    good = epb(0, b"E" * 60, 1_000_000)
    bad = bytearray(good)
    bad[4:8] = struct.pack("<I", 7)
    path = tmp_path / "damaged.pcapng"
    path.write_bytes(shb() + idb(1) + (good + bytes(bad)) * 2000)
    with CaptureReader(path) as reader:
        batches = list(reader.batches())
        warnings = reader.warnings
    # Each damaged block keeps a frame number (the last one, with nothing after it, needs none).
    assert len(batches) == 1 and sum(len(b) for b in batches) == 2000 + 1999
    assert int((batches[0].interfaces == -1).sum()) == 1999
    assert "2000 damaged records in all were skipped" in warnings


def zeros_gzip(path: Path, header: bytes, records: int, size: int) -> None:
    """A gzip of ``records`` pcap records of ``size`` zero bytes, written in pieces."""
    record = struct.pack("<IIII", 1_700_000_000, 0, size, size) + bytes(size)
    with gzip.open(path, "wb", compresslevel=9) as out:
        out.write(header)
        for _ in range(records):
            out.write(record)


def test_a_gzip_bomb_stops_at_a_hundredfold_expansion(tmp_path: Path) -> None:
    path = tmp_path / "bomb.pcap.gz"
    header = pcap_bytes([])
    zeros_gzip(path, header, records=5000, size=65_535)  # 328 MB from some 330 KB
    assert path.stat().st_size < 1 << 20
    with pytest.raises(CaptureFileError, match="expands more than 100-fold"):
        read_all(path)


def test_gaps_say_where_damage_lost_frames(tmp_path: Path) -> None:
    """The stretches the rules about loss must leave alone (analysis.capture_gaps)."""
    from tests.capture.damaged_copies import with_damaged_blocks
    from wiresleuth.model.capture_gap import CaptureGap

    def gaps(path: Path) -> tuple[CaptureGap, ...]:
        with CaptureReader(path) as reader:
            for _ in reader.batches():
                pass
            return reader.gaps

    # A damaged packet block keeps its number (39): the stretch lies between 38 and 40.
    assert gaps(damaged_capture(tmp_path)) == (CaptureGap(after=38, before=40),)
    # Headers overwritten: no frame number is kept; the stretches touching are one.
    copy = with_damaged_blocks(SOURCE, tmp_path / "google.pcapng", 5, 6, 8)
    assert gaps(copy) == (CaptureGap(after=5, before=7),)
    assert gaps(packets(SOURCE)) == ()
    # A file cut inside its last block lost what follows its last whole frame.
    whole = packets(SOURCE).read_bytes()
    cut = tmp_path / "cut.pcapng"
    cut.write_bytes(whole[:-40])
    assert gaps(cut) == (CaptureGap(after=11, before=None),)
