"""A live capture's frames decode and write as the same file read back would."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.capture.corpora import names, packets, tshark
from wiresleuth.capture.fast_decode import AddressBook, decode_batch
from wiresleuth.capture.fast_records import batch_records
from wiresleuth.capture.frame import Frame
from wiresleuth.capture.frame_batch import frame_batch
from wiresleuth.capture.packet_reading import read_packets
from wiresleuth.capture.pcapng_blocks import write_pcapng
from wiresleuth.capture.record_reader import CaptureReader


def _frames(path: Path) -> list[Frame]:
    """The file's frames as a capture backend hands them over."""
    out: list[Frame] = []
    with CaptureReader(path) as reader:
        for batch in reader.batches():
            for i in range(len(batch)):
                iface = int(batch.interfaces[i])
                out.append(
                    Frame(
                        data=batch.frame(i),
                        time=float(batch.times[i]),
                        linktype=int(batch.linktypes[i]),
                        wirelen=int(batch.wirelens[i]),
                        ifname=reader.interfaces[iface].name or f"if{iface}",
                    )
                )
    return out


@pytest.mark.parametrize("name", names("packets", "*.pcap*"))
def test_frames_decode_as_the_file_does(name: str) -> None:
    path = packets(name)
    batch, _ = frame_batch(_frames(path))
    book = AddressBook()
    assert batch_records(batch, decode_batch(batch, book), book) == list(
        read_packets(path).records
    )


def test_written_pcapng_reads_back_with_comments(tmp_path: Path) -> None:
    frames = _frames(packets("http_ip4and6.pcapng"))
    batch, interfaces = frame_batch(frames)
    out = tmp_path / "run.pcapng"
    with out.open("wb") as file:
        assert write_pcapng(file, batch, interfaces, {2: "the answer", 5: "é ✓"}) == len(frames)
    book = AddressBook()
    assert list(read_packets(out).records) == batch_records(batch, decode_batch(batch, book), book)
    shown = tshark("-r", str(out), "-Y", "frame.comment", "-T", "fields", "-e", "frame.number",
                   "-e", "frame.comment")  # fmt: skip
    assert [line.split("\t") for line in shown.splitlines()] == [["2", "the answer"], ["5", "é ✓"]]


def test_no_frames_make_an_empty_batch() -> None:
    batch, interfaces = frame_batch([])
    assert len(batch) == 0 and interfaces == []
