"""The viewer's packets of a capture file: PacketRecords and Wireshark's time reference."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from tests.gui.lab_samples import lab_capture, tshark_fields
from wiresleuth.capture.packet_reading import read_packets


def _pcap(path: Path, frames: list[tuple[float, int, bytes]]) -> Path:
    """A pcap of Ethernet frames: (time, ethertype, payload)."""
    with path.open("wb") as out:
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for when, ethertype, payload in frames:
            frame = b"\x02" * 6 + b"\x04" * 6 + ethertype.to_bytes(2, "big") + payload
            seconds = int(when)
            out.write(struct.pack("<IIII", seconds, round((when - seconds) * 1e6), len(frame), len(frame)))
            out.write(frame)
    return path


def _ipv4_udp() -> bytes:
    udp = struct.pack("!HHHH", 5353, 5353, 8, 0)
    header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 28, 1, 0, 64, 17, 0, bytes([198, 18, 0, 1]), bytes([198, 18, 0, 2]))
    return header + udp


def test_time_zero_is_frame_1_even_when_frame_1_is_no_ip_packet(tmp_path: Path) -> None:
    arp = bytes(28)
    path = _pcap(tmp_path / "arp-first.pcap", [(1000.25, 0x0806, arp), (1001.5, 0x0800, _ipv4_udp())])
    read = read_packets(path)
    assert [r.number for r in read.records] == [2]  # the ARP frame is no PacketRecord...
    assert read.time_zero == pytest.approx(1000.25)  # ...but Wireshark counts time from it
    assert read.frames == 2 and read.complete
    rows = tshark_fields(path, "frame.number", "frame.time_relative")
    assert float(rows[1][1]) == pytest.approx(read.records[0].time - read.time_zero, abs=1e-6)


def test_a_limit_reads_the_first_frames_and_says_the_rest_were_left(tmp_path: Path) -> None:
    path = lab_capture("C1", tmp_path)
    whole = read_packets(path)
    assert whole.complete and whole.frames == len(whole.records) == 86
    first = read_packets(path, limit=40)
    assert not first.complete and first.frames == 40
    assert [r.number for r in first.records] == list(range(1, 41))
    assert first.records == whole.records[:40] and first.time_zero == whole.time_zero
    exact = read_packets(path, limit=86)
    assert exact.complete and len(exact.records) == 86


def test_progress_is_reported_and_raising_stops_the_reading(tmp_path: Path) -> None:
    path = lab_capture("C1", tmp_path)
    seen: list[tuple[int, int]] = []
    read_packets(path, on_progress=lambda done, total: seen.append((done, total)))
    assert seen and seen[-1][0] == seen[-1][1] == path.stat().st_size

    class Stop(Exception):
        pass

    def stop(_done: int, _total: int) -> None:
        raise Stop

    with pytest.raises(Stop):
        read_packets(path, on_progress=stop)
