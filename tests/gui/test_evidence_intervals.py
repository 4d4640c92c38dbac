"""Timing evidence as intervals: its ends, its label, the lanes it spans."""

from __future__ import annotations

import pytest

from tests.gui.lab_samples import lab_bundle
from wiresleuth.gui.document import Document, load_document
from wiresleuth.gui.evidence_intervals import duration_text, evidence_intervals
from wiresleuth.model.finding import Evidence


def evidence(document: Document, start: str) -> Evidence:
    return next(e for f in document.findings for e in f.evidence if e.text.startswith(start))


def test_a_reset_after_the_client_hello_spans_hello_to_reset() -> None:
    document = load_document(lab_bundle("C8"))
    (interval,) = evidence_intervals(document, evidence(document, "RST 3.11 s after"))
    hello, reset = document.packet_index[14], document.packet_index[27]
    assert (interval.start, interval.end) == (hello.time, reset.time)
    assert interval.label == "3.106 s" and interval.lanes == (0,) and not interval.reference


def test_a_held_request_spans_the_apps_send_to_the_wire() -> None:
    document = load_document(lab_bundle("C7"))
    held = evidence(document, "http request to 100.64.1.60:80 handed to the socket")
    (interval,) = evidence_intervals(document, held)
    assert interval.start == held.timings["sent_by_app"]
    assert interval.end == held.timings["on_wire"] == document.packet_index[17].time
    assert interval.label == "held 5.001 s"
    assert interval.seconds == pytest.approx(5.0, abs=0.01)  # not a 30 ms window around a packet
    assert interval.lanes == (document.connection_index[17],)


def test_a_fast_handshake_is_bracketed_beside_the_path_rtt_it_contradicts() -> None:
    document = load_document(lab_bundle("C6"))
    main, reference = evidence_intervals(document, evidence(document, "TCP handshake 0.1 ms"))
    assert (main.start, main.end) == (document.packet_index[2].time, document.packet_index[3].time)
    assert main.label == "handshake RTT 0.071 ms" and not main.reference
    assert reference.reference and reference.start == main.start
    assert reference.label == "path RTT 101.3 ms"
    assert reference.seconds == pytest.approx(0.1013, abs=1e-4)


def test_one_packet_and_a_duration_end_at_the_packet_and_no_timing_means_no_interval() -> None:
    document = load_document(lab_bundle("C4-nxdomain"))
    (answer,) = evidence_intervals(document, evidence(document, "answer 'HTTP/1.1 404 Not Found'"))
    assert answer.end == document.packet_index[68].time
    assert answer.label == "answer after 243.9 ms"
    assert evidence_intervals(document, evidence(document, "ws-lrkh8k2hjdq5g2nk8j9u")) == ()


def test_wild_timings_are_no_interval() -> None:
    document = load_document(lab_bundle("C8"))
    wild = Evidence(text="x", packets=(14,), timings={"seconds": float("nan"), "at": 1e308})
    assert evidence_intervals(document, wild) == ()
    assert duration_text(0.0000712) == "0.071 ms" and duration_text(3.1) == "3.100 s"
