import zipfile
from pathlib import Path

import pytest

from tests.gui.conftest import SAMPLE_BUNDLE
from wiresleuth.bundle.writer import write_bundle
from wiresleuth.errors import BundleError, CaptureFileError
from wiresleuth.gui.document import (
    CAPTURE_ONLY_NOTE,
    DocumentKind,
    document_from_result,
    load_document,
)
from wiresleuth.model.run import RunResult


def test_a_bundle_brings_its_findings_timelines_and_decoded_capture() -> None:
    doc = load_document(SAMPLE_BUNDLE)
    assert doc.kind is DocumentKind.BUNDLE and doc.title == "format-1.wsbundle"
    assert [f.id for f in doc.findings][:3] == [
        "path.tcp_intercepted",
        "tls.plaintext_injected",
        "tls.reset_after_client_hello",
    ]
    assert len(doc.connections) == 3
    assert doc.packets and doc.capture.available
    cited = {n for f in doc.findings for n in f.packets}
    assert cited and cited <= set(doc.packet_index)  # every cited frame was decoded
    number = min(cited)
    assert doc.comments[number].split(":")[0] in {f.id for f in doc.findings}
    assert doc.connections[doc.connection_index[number]].packets.count(number) == 1
    assert doc.log and doc.system and doc.manifest["format"] == "wiresleuth-bundle"
    # One time base, Wireshark's: frame 1 of the capture is 0 (not the run's start).
    assert doc.origin == doc.time_zero == doc.packet_index[1].time != doc.started_at
    assert doc.capture_file is not None and doc.capture_file.is_file()


def test_a_plain_capture_gets_packet_only_findings_and_says_what_it_cannot_conclude(
    tmp_path: Path,
) -> None:
    capture = tmp_path / "trace.pcapng"
    with zipfile.ZipFile(SAMPLE_BUNDLE) as bundle:
        capture.write_bytes(bundle.read("capture.pcapng"))
    doc = load_document(capture)
    assert doc.kind is DocumentKind.CAPTURE
    assert doc.notes[0] == CAPTURE_ONLY_NOTE
    # The packet-only analysis (as `wiresleuth analyze`): the C1-like server marks EF.
    dscp = next(f for f in doc.findings if f.id == "path.dscp_marked")
    assert dscp.values.get("dscp") == 46
    assert set(dscp.packets) <= set(doc.packet_index)  # its evidence is in the packet table
    assert len(doc.packets) == 26 and doc.capture.available
    assert len(doc.connections) == 3  # timelines by assemble_flows + build_timelines
    assert {c.server_port for c in doc.connections} == {443}
    assert [e.kind for e in doc.connections[0].events][:2] == ["syn", "syn-ack"]
    assert doc.connections[0].events[-1].kind == "rst"  # the C8-like reset, packet 6
    assert doc.connections[0].events[-1].packet == 6
    assert doc.origin == doc.time_zero == doc.packet_index[1].time
    assert doc.capture_file == capture


def test_a_run_just_made_keeps_the_result_to_save_and_matches_its_bundle(
    engine_run: RunResult, tmp_path: Path
) -> None:
    live = document_from_result(engine_run)
    assert live.result is engine_run and live.kind is DocumentKind.RUN
    saved = load_document(write_bundle(engine_run, tmp_path / "run.wsbundle"))
    assert [f.id for f in saved.findings] == [f.id for f in live.findings]
    assert [c.id for c in saved.connections] == [c.id for c in live.connections]
    assert len(saved.packets) == len(live.packets)


@pytest.mark.parametrize(
    ("content", "error", "words"),
    [
        (b"PK\x03\x04 not really a zip", BundleError, "is incomplete: it holds 21 of"),
        (b"hello, this is text", CaptureFileError, "neither a WireSleuth bundle"),
    ],
)
def test_files_of_the_wrong_kind_are_refused_in_words(
    tmp_path: Path, content: bytes, error: type[Exception], words: str
) -> None:
    path = tmp_path / "thing.wsbundle"
    path.write_bytes(content)
    with pytest.raises(error, match=words):
        load_document(path)


def test_a_missing_file_or_a_folder_is_named(tmp_path: Path) -> None:
    with pytest.raises(BundleError, match="no such file"):
        load_document(tmp_path / "gone.wsbundle")
    with pytest.raises(BundleError, match="is a folder"):
        load_document(tmp_path)


def test_a_bundles_capture_is_decoded_up_to_the_table_limit_from_an_owned_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Issue 20, item 6: a bundle's capture was decoded whole (hours for a big one), from a
    temporary folder that a killed viewer left behind for good."""
    import gc

    import wiresleuth.gui.document as document
    from wiresleuth.input_files.extract_folders import OWNER_FILE, PREFIX

    monkeypatch.setattr(document, "PACKET_TABLE_LIMIT", 10)  # the sample holds 26 packets
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", None)
    doc = load_document(SAMPLE_BUNDLE)
    assert [p.number for p in doc.packets] == list(range(1, 11))
    assert any("packet list holds the first 10 frames" in note for note in doc.notes)
    (folder,) = tmp_path.iterdir()  # kept for the details pane and Wireshark ...
    assert folder.name.startswith(PREFIX) and (folder / OWNER_FILE).is_file()  # ... and owned
    assert doc.capture_file is not None and doc.capture_file.parent == folder
    del doc
    gc.collect()
    assert list(tmp_path.iterdir()) == []


def test_a_bundle_with_a_damaged_capture_opens_with_the_readers_note() -> None:
    from tests.capture.damaged_sample import DAMAGED_BUNDLE

    doc = load_document(DAMAGED_BUNDLE)
    assert len(doc.packets) == 72 and max(doc.packet_index) == 73
    [note] = [n for n in doc.notes if n.startswith("Capture: ")]
    assert note.startswith("Capture: frame 39 is damaged") and "frames 1 to 38 only" in note
