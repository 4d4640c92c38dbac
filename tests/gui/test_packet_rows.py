"""The packet list: one time base (Wireshark's frame.time_relative), and its filters."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.gui.conftest import SAMPLE_BUNDLE
from tests.gui.lab_samples import lab_bundle, lab_capture, tshark_fields
from wiresleuth.gui.document import Document, load_document
from wiresleuth.gui.packet_rows import (
    COLUMNS,
    PacketFilter,
    PacketRows,
    evidence_frames,
    evidence_lanes,
    finding_choices,
)

LAB_BUNDLES = ["C1", "C4-nxdomain", "C6", "C7", "C8"]


def assert_wiresharks_times(rows: PacketRows, capture: Path) -> int:
    """Every row's Time cell is tshark's frame.time_relative of that frame (to the microsecond
    both show)."""
    theirs = {int(n): float(t) for n, t in tshark_fields(capture, "frame.number", "frame.time_relative")}
    for row in range(len(rows)):
        number = rows.number_at(row)
        assert number is not None
        shown = float(rows.cells(row)[COLUMNS.index("Time")])
        assert shown == pytest.approx(theirs[number], abs=1.5e-6), number
        assert rows.time_of(row) == pytest.approx(theirs[number], abs=1e-6)
    return len(rows)


@pytest.mark.parametrize("name", LAB_BUNDLES)
def test_frame_times_are_tsharks_in_a_bundle_and_in_its_capture_opened_alone(
    name: str, tmp_path: Path
) -> None:
    bundle = PacketRows(load_document(lab_bundle(name)))
    capture = lab_capture(name, tmp_path)
    assert assert_wiresharks_times(bundle, capture) > 40
    alone = PacketRows(load_document(capture))
    assert assert_wiresharks_times(alone, capture) == len(bundle)


def test_filters_narrow_by_connection_finding_evidence_and_text() -> None:
    document = load_document(lab_bundle("C1"))
    rows = PacketRows(document)
    assert len(rows) == len(document.packets) == 86
    rows.set_filter(PacketFilter(connection=3))  # the MSS-536 retry
    listed = {rows.number_at(r) for r in range(len(rows))}
    assert listed == set(document.connections[3].packets) and len(listed) == 31
    rows.set_filter(PacketFilter(cited=True))
    assert {rows.number_at(r) for r in range(len(rows))} == set(document.comments)
    choices = dict(finding_choices(document.findings))
    loss = next(i for i, f in enumerate(document.findings) if f.id == "path.large_packet_loss")
    assert loss in choices
    rows.set_filter(PacketFilter(finding=loss))
    assert [rows.number_at(r) for r in range(len(rows))] == sorted(document.findings[loss].packets)
    rows.set_filter(PacketFilter(text="mss=536"))
    assert [rows.number_at(r) for r in range(len(rows))] == [32]
    rows.set_filter(PacketFilter(text="PREVIOUS SEGMENT", connection=0))
    assert [rows.number_at(r) for r in range(len(rows))] == [27]
    marked = next(e for f in document.findings for e in f.evidence if e.text.startswith("37 of 37"))
    lanes = evidence_lanes(document, marked)
    assert lanes == [0, 1, 2]  # three connections: the default handshake and both round-1 requests
    frames = evidence_frames(document, marked)
    rows.set_filter(PacketFilter(frames=frames))
    shown = [rows.number_at(r) for r in range(len(rows))]
    assert set(marked.packets) <= set(shown)
    assert set(shown) == set().union(*(document.connections[i].packets for i in lanes))
    assert rows.rows_of(marked.packets) == [shown.index(n) for n in sorted(marked.packets)]
    assert PacketFilter().is_empty and not PacketFilter(text=" x ").is_empty


def test_cells_of_a_packet_and_its_delta() -> None:
    rows = PacketRows(load_document(lab_bundle("C8")))
    first, second = rows.cells(0), rows.cells(1)
    assert first[:3] == ("1", "0.000000", "")
    assert second[COLUMNS.index("Source")] == "198.18.1.10"
    assert float(second[2]) == pytest.approx(float(second[1]) - float(first[1]), abs=1e-6)
    reset = next(r for r in range(len(rows)) if rows.number_at(r) == 27)
    cells = rows.cells(reset)
    assert cells[COLUMNS.index("Protocol")] == "TCP" and "[RST, ACK]" in cells[COLUMNS.index("Info")]
    assert cells[COLUMNS.index("Comment")].startswith("tls.reset_after_client_hello")


def test_without_a_capture_a_connections_socket_events_are_listed() -> None:
    from wiresleuth.gui.document import document_from_result
    from wiresleuth.model.run import RunResult
    from wiresleuth.model.timeline import Connection, TimelineEvent

    t0 = 1_714_555_800.0
    events = (
        TimelineEvent(time=t0 + 0.01, kind="connect", direction="out"),
        TimelineEvent(time=t0 + 0.11, kind="established", direction="in"),
        TimelineEvent(time=t0 + 0.12, kind="client-hello", direction="out"),
    )
    connection = Connection(
        id="198.18.0.2:50000->100.64.0.1:443", client="198.18.0.2", client_port=50000,
        server="100.64.0.1", server_port=443, start=t0 + 0.01, end=t0 + 0.12, events=events,
        label="TLS default to x.lab.test:443",
    )  # fmt: skip
    run = RunResult(started_at=t0, finished_at=t0 + 1, targets=(), findings=(), connections=(connection,))
    document: Document = document_from_result(run)
    rows = PacketRows(document)
    assert not rows.has_packets and len(rows) == 0
    rows.set_filter(PacketFilter(connection=0))
    assert len(rows) == 3
    assert rows.cells(0)[:2] == ("", "0.010000")  # since the run started: there is no frame 1
    assert rows.cells(2)[COLUMNS.index("Info")] == "→ client-hello"
    assert rows.cells(1)[COLUMNS.index("Protocol")] == "socket"


def test_the_sample_bundles_time_zero_is_its_frame_1() -> None:
    document = load_document(SAMPLE_BUNDLE)
    rows = PacketRows(document)
    assert rows.cells(0)[1] == "0.000000" and rows.number_at(0) == 1
