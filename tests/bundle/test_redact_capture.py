"""Secrets in a capture are masked in packet data only: the file stays readable."""

from __future__ import annotations

import shutil
import struct
import subprocess
import tracemalloc
from pathlib import Path

import pytest
from scapy.layers.inet import IP, TCP
from scapy.layers.l2 import Ether
from scapy.packet import Raw
from scapy.utils import PcapNgWriter, PcapWriter

from wiresleuth.bundle.redact import redact_bytes
from wiresleuth.bundle.redact_capture import (
    CHUNK,
    OVERLAP,
    redact_capture,
    redact_capture_chunks,
    redact_capture_file,
)
from wiresleuth.capture.record_reader import CaptureReader

SECRET = b"GET http://alice:hunter2@proxy.lab.test:3128/ HTTP/1.1\r\n\r\n"


def _packets() -> list[Ether]:
    base = Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / IP(
        src="198.18.0.2", dst="198.18.2.10"
    )
    # A payload that ends in "password=": a search over the whole file takes the bytes that
    # follow (the block's padding, its trailing length, the next block's type and length) for
    # the password, as it did on random payload bytes in real captures.
    return [
        base / TCP(sport=40000, dport=3128) / Raw(SECRET),
        base / TCP(sport=40001, dport=3128) / Raw(b"x" * 40 + b" password="),
        base / TCP(sport=40001, dport=3128) / Raw(b"the next segment"),
        base / TCP(sport=40002, dport=443) / Raw(b"\x16\x03\x01 plain bytes"),
    ]


def _write(path: Path, writer: type[PcapWriter] | type[PcapNgWriter]) -> bytes:
    with writer(str(path)) as out:
        for number, packet in enumerate(_packets()):
            packet.time = 1_700_000_000 + number / 10
            out.write(packet)
    return path.read_bytes()


def read_records(path: Path) -> list[bytes]:
    """Every frame our reader finds, with no warning about damage."""
    with CaptureReader(path) as reader:
        frames = [batch.frame(i) for batch in reader.batches() for i in range(len(batch))]
        assert reader.warnings == []
    return frames


def _tshark_frames(path: Path) -> int:
    done = subprocess.run(
        ["tshark", "-r", str(path), "-T", "fields", "-e", "frame.number"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return len(done.stdout.split())


@pytest.mark.parametrize("writer", [PcapNgWriter, PcapWriter], ids=["pcapng", "pcap"])
def test_secrets_are_masked_and_every_frame_still_reads(
    tmp_path: Path, writer: type[PcapWriter]
) -> None:
    original = _write(tmp_path / "in.cap", writer)
    redacted = redact_capture(original)
    assert len(redacted) == len(original)
    assert b"hunter2" not in redacted and b"hunter2" in original
    out = tmp_path / "out.cap"
    out.write_bytes(redacted)
    assert len(read_records(out)) == 4
    if shutil.which("tshark"):
        assert _tshark_frames(out) == 4


def test_only_packet_bytes_change(tmp_path: Path) -> None:
    original = _write(tmp_path / "in.pcapng", PcapNgWriter)
    redacted = redact_capture(original)
    changed = [i for i, (a, b) in enumerate(zip(original, redacted, strict=True)) if a != b]
    assert changed
    # Every changed byte lies inside some packet's payload as written.
    payloads = [bytes(p[Raw]) for p in _packets()]
    starts = [original.find(p) for p in payloads]
    inside = [
        any(s <= i < s + len(p) for s, p in zip(starts, payloads, strict=True)) for i in changed
    ]
    assert all(inside)


def test_the_whole_file_search_alone_would_break_the_file(tmp_path: Path) -> None:
    """The case this module exists for: masking the file as plain bytes hits a block header."""
    original = _write(tmp_path / "in.pcapng", PcapNgWriter)
    plain = redact_bytes(original)
    payloads = [bytes(p[Raw]) for p in _packets()]
    end_of_second = original.find(payloads[1]) + len(payloads[1])
    start_of_third = original.find(payloads[2])
    assert plain[end_of_second:start_of_third] != original[end_of_second:start_of_third]
    assert redact_capture(original)[end_of_second:start_of_third] == (
        original[end_of_second:start_of_third]
    )


def test_decryption_secrets_are_left_out(tmp_path: Path) -> None:
    original = _write(tmp_path / "in.pcapng", PcapNgWriter)
    keys = b"CLIENT_RANDOM " + b"ab" * 32 + b" " + b"cd" * 48 + b"\n"
    padded = keys + b"\0" * (-len(keys) % 4)
    body = struct.pack("<II", 0x544C534B, len(keys)) + padded  # TLS key log
    block = struct.pack("<II", 10, 12 + len(body)) + body + struct.pack("<I", 12 + len(body))
    shb_length = struct.unpack_from("<I", original, 4)[0]
    idb_length = struct.unpack_from("<I", original, shb_length + 4)[0]
    split = shb_length + idb_length
    with_keys = original[:split] + block + original[split:]
    redacted = redact_capture(with_keys)
    assert b"CLIENT_RANDOM" not in redacted
    assert len(redacted) == len(original)
    out = tmp_path / "out.pcapng"
    out.write_bytes(redacted)
    assert len(read_records(out)) == 4


def test_damaged_tail_is_masked_as_plain_bytes() -> None:
    data = b"\x0a\x0d\x0d\x0a" + b"\xff\xff\xff\xff" + b"junk " + SECRET
    assert b"hunter2" not in redact_capture(data)


def test_a_file_of_another_kind_is_masked_as_plain_bytes() -> None:
    assert b"hunter2" not in redact_capture(b"not a capture " + SECRET)


@pytest.mark.parametrize("writer", [PcapNgWriter, PcapWriter], ids=["pcapng", "pcap"])
@pytest.mark.parametrize("chunk", [64, 71, 100, 150, 230])
def test_chunk_by_chunk_masks_what_the_whole_file_search_masks(
    tmp_path: Path, writer: type[PcapWriter], chunk: int
) -> None:
    """Chunks of every size put block and chunk boundaries everywhere, secrets across them
    included: the output is the whole-file search's (one chunk), byte for byte."""
    path = tmp_path / "in.cap"
    original = _write(path, writer)
    whole = redact_capture(original)
    assert whole != original and b"hunter2" not in whole
    with path.open("rb") as source:
        pieces = list(redact_capture_chunks(source, len(original), chunk=chunk, overlap=64))
    assert b"".join(pieces) == whole
    assert len(pieces) > 1


def test_a_large_capture_is_never_held_whole(tmp_path: Path) -> None:
    """Masking a 32 MiB capture holds a few copies of a chunk, not of the file (the
    whole-file search held five: a 256 MiB capture's bundle peaked at 1.3 GB)."""
    path = tmp_path / "large.pcapng"
    payload = (b"x" * 1200 + b" password=hunter2 " + b"y" * 182)[:1400]
    packet = Ether() / IP(src="198.18.0.2", dst="198.18.2.10") / TCP(dport=80) / Raw(payload)
    frame = bytes(packet)
    block = struct.pack("<IIIIIII", 6, 32 + len(frame) + 4 - len(frame) % 4 % 4, 0, 0, 0,
                        len(frame), len(frame))  # fmt: skip
    with PcapNgWriter(str(path)) as out:
        out.write(packet)
    head = path.read_bytes()
    one = head[-(len(block) + len(frame) + (-len(frame) % 4) + 4) :]
    with path.open("ab") as grow:
        for _ in range((32 << 20) // len(one)):
            grow.write(one)
    size = path.stat().st_size
    tracemalloc.start()
    try:
        with path.open("rb") as source:
            written = 0
            for piece in redact_capture_chunks(source, size):
                assert b"hunter2" not in piece
                written += len(piece)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert written == size
    assert peak < min(8 * (CHUNK + 2 * OVERLAP), size // 2), peak


def test_a_capture_file_is_redacted_in_place_through_a_private_sibling(tmp_path: Path) -> None:
    from wiresleuth.engine.scratch import private_file

    path = tmp_path / "capture.pcapng"
    original = _write(path, PcapNgWriter)
    redact_capture_file(path, private_file)
    assert path.read_bytes() == redact_capture(original)
    assert path.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["capture.pcapng"]


@pytest.mark.parametrize("writer", [PcapNgWriter, PcapWriter], ids=["pcapng", "pcap"])
def test_headers_that_look_like_a_credential_keep_their_bytes(
    tmp_path: Path, writer: type[PcapWriter]
) -> None:
    """Sequence and acknowledgement numbers that read ``ab:cd@A.`` look like
    ``user:password@host`` (a lab bundle had such a header): masked, the segment turned bogus
    and the bundle re-analysed saw a retransmission the run never had."""
    answer = b"HTTP/1.1 503 Service Unavailable\r\n\r\n"
    segment = Ether(src="02:00:00:00:00:02", dst="02:00:00:00:00:01") / IP(
        src="100.64.1.10", dst="198.18.1.10"
    ) / TCP(
        sport=80, dport=35672, seq=0x61623A63, ack=0x6440412E, flags="PA", window=0x1040,
        chksum=0x7680,
    ) / Raw(answer)  # fmt: skip
    header = bytes(segment)[: -len(answer)]
    assert redact_bytes(bytes(segment)) != bytes(segment)  # the search alone takes it
    path = tmp_path / "in.cap"
    with writer(str(path)) as out:
        for number, packet in enumerate([segment, *_packets()]):
            packet.time = 1_700_000_000 + number / 10
            out.write(packet)
    out_path = tmp_path / "out.cap"
    out_path.write_bytes(redact_capture(path.read_bytes()))
    frames = read_records(out_path)
    assert frames[0] == bytes(segment) and frames[0].startswith(header)
    assert all(b"hunter2" not in frame for frame in frames)


def test_a_live_runs_capture_stays_whole_through_writing_and_redaction(tmp_path: Path) -> None:
    """The way a run writes its capture today (``pcapng_blocks.write_pcapng`` of Linux-cooked
    frames, then ``redact_capture_file``), with payloads whose bytes run on into the next
    block the way the damaged C1 sample's did (tests/capture/samples/damaged): the file stays
    whole where a search over the file as plain bytes breaks it."""
    from wiresleuth.capture.first_damage import DamageFinder
    from wiresleuth.capture.frame import Frame
    from wiresleuth.capture.frame_batch import frame_batch
    from wiresleuth.capture.pcapng_blocks import write_pcapng
    from wiresleuth.engine.scratch import private_file

    cooked = bytes.fromhex("0000000100060016162b169a324e0000") + b"\x08\x00"  # SLL, IPv4
    frames = [
        Frame(data=cooked[:14] + b"\x08\x00" + bytes(p[IP]), time=1_700_000_000 + n / 10,
              linktype=113, wirelen=16 + len(p[IP]), ifname="any")
        for n, p in enumerate(_packets())
    ]  # fmt: skip
    batch, interfaces = frame_batch(frames)
    path = tmp_path / "capture.pcapng"
    with path.open("wb") as out:
        write_pcapng(out, batch, interfaces, {3: "path.qos_policing: cited"})
    written = path.read_bytes()

    def damage(data: bytes) -> object:
        finder = DamageFinder()
        finder.feed(data)
        return finder.damage

    assert damage(redact_bytes(written)) is not None  # the old way breaks this very file
    redact_capture_file(path, private_file)
    assert damage(path.read_bytes()) is None
    assert b"hunter2" not in path.read_bytes() and b"hunter2" in written
    assert len(read_records(path)) == len(frames)
    if shutil.which("tshark"):
        assert _tshark_frames(path) == len(frames)
