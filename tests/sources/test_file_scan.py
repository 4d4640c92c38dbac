"""scan_file: the whole tcpdump corpus analysed or rejected clearly; shares give one answer."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from tests.capture.corpora import corpus, names
from tests.capture.synthetic import traffic, write_pcap
from tests.diagnosis.recordings import wire_findings
from wiresleuth.errors import CaptureFileError
from wiresleuth.sources.file_scan import scan_file


@pytest.mark.timeout(30)
@pytest.mark.parametrize("name", names("tcpdump-tests"))
def test_every_tcpdump_file_is_analysed_or_rejected_clearly(name: str) -> None:
    path = corpus("tcpdump-tests") / name
    try:
        scan = scan_file(path)
    except CaptureFileError as exc:
        assert name in str(exc) and "Traceback" not in str(exc)
        return
    findings = wire_findings(scan.passive())
    assert all(f.id and f.title for f in findings)
    frames = [c.first_frame for c in scan.conversations]
    assert frames == sorted(frames)
    assert all(1 <= c.first_frame <= c.last_frame <= scan.packets for c in scan.conversations)


def test_two_processes_give_what_one_gives(tmp_path: Path) -> None:
    path = tmp_path / "traffic.pcap"
    write_pcap(path, traffic(3000, seed=5, loss=0.01))
    alone = scan_file(path, workers=1)
    shared = scan_file(path, workers=2)
    assert [dataclasses.asdict(c) for c in shared.conversations] == [
        dataclasses.asdict(c) for c in alone.conversations
    ]
    assert (shared.packets, shared.dns, shared.warnings) == (
        alone.packets,
        alone.dns,
        alone.warnings,
    )


def test_progress_is_reported_in_bytes_and_packets(tmp_path: Path) -> None:
    path = tmp_path / "traffic.pcap"
    write_pcap(path, traffic(2000, seed=6))
    seen: list[tuple[int, int]] = []
    scan = scan_file(path, on_progress=lambda done, count: seen.append((done, count)))
    assert seen and seen[-1] == (path.stat().st_size, scan.packets)
    assert [b for b, _ in seen] == sorted(b for b, _ in seen)


def test_an_exception_from_the_progress_callback_stops_both_processes(tmp_path: Path) -> None:
    import multiprocessing

    from wiresleuth.errors import Cancelled

    path = tmp_path / "traffic.pcap"
    write_pcap(path, traffic(4000, seed=7))

    def cancel(done: int, count: int) -> None:
        raise Cancelled("the user cancelled")

    with pytest.raises(Cancelled):
        scan_file(path, workers=2, on_progress=cancel)
    assert multiprocessing.active_children() == []
