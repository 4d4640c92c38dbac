"""A hole is no proof of loss where the capture lost frames: damaged files, dropped packets."""

from __future__ import annotations

from pathlib import Path

from tests.capture.corpora import packets as corpus_packets
from tests.diagnosis.recordings import foreign
from wiresleuth.analysis.capture_gaps import lost_while_open
from wiresleuth.bundle.reader import read_bundle
from wiresleuth.bundle.serialize import capture_dict, capture_from_report
from wiresleuth.capture.packet_reading import read_packets
from wiresleuth.diagnosis.diagnose import diagnose
from wiresleuth.diagnosis.recording import Recording
from wiresleuth.model.capture_gap import CaptureGap, merged
from wiresleuth.model.finding import Finding
from wiresleuth.model.packet import PacketRecord
from wiresleuth.model.run import CaptureInfo

LAB_C1 = Path(__file__).parents[1] / "gui" / "samples" / "lab-C1.wsbundle"
DAMAGE = CaptureGap(after=38, before=40)


def test_a_connection_open_at_the_damage_is_touched_by_it() -> None:
    assert lost_while_open([DAMAGE], first=33, last=68, closed=True) == DAMAGE  # across it
    assert lost_while_open([DAMAGE], first=2, last=36, closed=False) == DAMAGE  # still open
    assert lost_while_open([DAMAGE], first=3, last=26, closed=True) is None  # ended before
    assert lost_while_open([DAMAGE], first=44, last=73, closed=False) is None  # began after
    to_the_end = CaptureGap(after=70, before=None)
    assert lost_while_open([to_the_end], first=44, last=70, closed=False) == to_the_end
    dropped = CaptureGap(after=0, before=None, dropped=3)
    assert lost_while_open([dropped], first=44, last=73, closed=True) == dropped


def test_stretches_that_touch_are_one() -> None:
    assert merged([CaptureGap(after=6, before=7), CaptureGap(after=5, before=6)]) == (
        CaptureGap(after=5, before=7),
    )
    assert merged([DAMAGE, CaptureGap(after=50, before=None)]) == (
        DAMAGE,
        CaptureGap(after=50, before=None),
    )
    assert "missed 3 packets" in CaptureGap(after=0, before=None, dropped=3).words


def _c1_packets() -> tuple[PacketRecord, ...]:
    with read_bundle(LAB_C1).extracted_capture() as path:
        return read_packets(path).records


def _found(recording: Recording) -> dict[str, Finding]:
    return {f.id: f for f in diagnose(recording).findings}


def test_a_capture_that_dropped_packets_proves_no_loss() -> None:
    """A live capture's kernel drops have no frame numbers: every hole may be the capture's.
    The count travels as CaptureInfo.dropped (a bundle's capture.dropped)."""
    assert "path.large_packet_loss" in _found(foreign(packets=_c1_packets()))
    saved = capture_from_report(
        {"capture": capture_dict(CaptureInfo(available=True, dropped=12), included=True)}
    )
    assert saved.dropped == 12
    found = _found(foreign(packets=_c1_packets(), dropped=saved.dropped))
    assert "path.large_packet_loss" not in found
    missing = found["capture.frames_missing"]
    assert missing.values["connections"] == 4 and missing.values["dropped_packets"] == 12
    assert "the capture itself missed 12 packets" in missing.user_text
    assert "missed packets" in missing.title


def test_a_capture_at_its_packet_limit_proves_no_loss_after_it() -> None:
    """A run's capture keeps its first max_packets packets and lets the rest go: a hole in a
    connection still open at that point may be the capture's end (CaptureInfo.kept_only, a
    bundle's capture.kept_only)."""
    limit = 88  # cut there, the capture alone still shows the holes of connections left open
    saved = capture_from_report(
        {"capture": capture_dict(CaptureInfo(available=True, kept_only=limit), included=True)}
    )
    assert saved.kept_only == limit
    kept = [r for r in _c1_packets() if r.number <= limit]
    recording = foreign(packets=kept, kept_only=saved.kept_only)
    (gap,) = recording.all_gaps
    assert gap.limited and "kept only its first 88 packets" in gap.words
    found = _found(recording)
    assert "path.large_packet_loss" not in found
    assert "kept only its first 88 packets" in found["capture.frames_missing"].user_text
    assert "path.large_packet_loss" in _found(foreign(packets=kept))  # kept_only unsaid
    assert capture_from_report(
        {"capture": capture_dict(CaptureInfo(available=True), included=True)}
    ).kept_only is None


def test_a_whole_healthy_capture_has_no_stretch() -> None:
    assert read_packets(corpus_packets("http_google.pcapng")).gaps == ()


def test_an_answer_or_an_acknowledgement_may_lie_in_the_lost_frames() -> None:
    """No ServerHello, or a segment never acknowledged, proves nothing when the capture
    lost frames while the connection was open: the answer may be in them."""
    from tests.analysis.test_passive_findings import hello_never_answered
    from tests.analysis.test_passive_stall import printer

    unanswered = hello_never_answered().packets
    hello = unanswered[3].number
    assert "tls.no_server_hello" in _found(foreign(packets=unanswered))
    found = _found(foreign(packets=unanswered, gaps=(CaptureGap(after=hello, before=hello + 1),)))
    assert "tls.no_server_hello" not in found
    assert "no answer to the ClientHello" in found["capture.frames_missing"].engineer_text

    stalled = printer().packets
    assert "tcp.unacknowledged" in _found(foreign(packets=stalled))
    found = _found(foreign(packets=stalled, gaps=(CaptureGap(after=0, before=None, dropped=2),)))
    assert "tcp.unacknowledged" not in found
    assert "no acknowledgement was captured" in found["capture.frames_missing"].engineer_text
