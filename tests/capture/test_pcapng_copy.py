"""copy_as_pcapng on odd inputs: very long comments, many sections."""

from __future__ import annotations

from pathlib import Path

from scapy.utils import RawPcapNgReader

from tests.capture.test_record_reader import epb, idb, shb
from wiresleuth.capture.pcapng_copy import copy_as_pcapng


def test_a_comment_longer_than_an_option_holds_is_cut_not_a_crash(tmp_path: Path) -> None:
    source = tmp_path / "in.pcapng"
    source.write_bytes(shb() + idb(1) + epb(0, b"E" * 60, 1000) + epb(0, b"F" * 60, 2000))
    dest = tmp_path / "out.pcapng"
    long = "é" * 40_000  # 80 000 bytes of UTF-8: more than a 16-bit option length
    assert copy_as_pcapng(source, dest, {1: long, 2: "short"}) == 2
    with RawPcapNgReader(str(dest)) as reader:
        comments = [meta.comments for _, meta in reader]
    first = comments[0][0].decode("utf-8")
    assert first.startswith("éé") and first.endswith("...") and len(first.encode()) <= 65_532
    assert comments[1] == [b"short"]


def test_many_sections_copy_with_one_interface_each(tmp_path: Path) -> None:
    source = tmp_path / "in.pcapng"
    source.write_bytes((shb() + idb(1) + epb(0, b"E" * 60, 1000)) * 3000)
    dest = tmp_path / "out.pcapng"
    assert copy_as_pcapng(source, dest, {}) == 3000
    with RawPcapNgReader(str(dest)) as reader:
        assert sum(1 for _ in reader) == 3000
        assert len(reader.interfaces) == 3000
