"""``wiresleuth analyze``: exit codes, texts, JSON and the bundle, on real files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.capture.corpora import packets
from tests.sources.test_capture_file import bodega, write
from wiresleuth.bundle.reader import read_bundle
from wiresleuth.cli import exit_codes
from wiresleuth.cli.main import main


def test_problems_found_exit_1_and_the_findings_are_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "bodega-error.cap", bodega())
    assert main(["analyze", str(path)]) == exit_codes.PROBLEMS_FOUND
    text = capsys.readouterr().out
    assert text.startswith("bodega-error.cap (pcap): 10 packets, 1 TCP connections")
    assert "[!!] PROBLEM: Plain text was injected" in text and "(packets 4, 6)" in text


def test_clean_capture_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", str(packets("http_google.pcapng"))]) == exit_codes.NO_PROBLEM
    assert "We found no problem." in capsys.readouterr().out


def test_json_has_findings_and_every_connection(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = packets("http_espn.pcapng")
    assert main(["analyze", "--json", str(path)]) == exit_codes.NO_PROBLEM
    report = json.loads(capsys.readouterr().out)
    assert report["packets"] > 0 and report["format"] == "pcapng"
    assert len(report["conversations"]) == report["tcp_connections"] == 25
    first = report["conversations"][0]
    assert first["stream"] == 0 and first["client"]["frames"] > 0
    assert set(first) >= {"handshake_rtt", "initial_rtt", "duration", "server"}
    assert report["summary"]["problem"] == report["summary"]["warning"] == 0
    assert [f["id"] for f in report["findings"]] == ["net.gateway_vendor"]


def test_out_writes_a_bundle_the_report_command_reads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "bodega-error.cap", bodega())
    out = tmp_path / "bodega.wsbundle"
    assert main(["analyze", str(path), "--out", str(out)]) == exit_codes.PROBLEMS_FOUND
    assert f"Bundle: {out}" in capsys.readouterr().out
    bundle = read_bundle(out)
    assert [f.id for f in bundle.findings] == ["tls.plaintext_injected"]
    assert bundle.has_capture and bundle.connections
    assert main(["report", str(out)]) == exit_codes.PROBLEMS_FOUND


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot open"),
        (b"", "is empty"),
        (b"<html>not a capture</html>", "is not a capture file"),
        (b"\xd4\xc3\xb2\xa1\x02\x00", "damaged or truncated file header"),
    ],
)
def test_unreadable_files_exit_2_with_a_message_naming_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes | None, message: str
) -> None:
    path = tmp_path / "broken.pcap"
    if content is not None:
        path.write_bytes(content)
    assert main(["analyze", str(path)]) == exit_codes.COULD_NOT_RUN
    err = capsys.readouterr().err
    assert err.startswith("wiresleuth: ") and message in err and "broken.pcap" in err


def test_bundle_into_a_missing_folder_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "bodega-error.cap", bodega())
    out = tmp_path / "nowhere" / "x.wsbundle"
    assert main(["analyze", str(path), "--out", str(out)]) == exit_codes.COULD_NOT_RUN
    assert "does not exist" in capsys.readouterr().err


def test_a_hostile_file_name_is_printed_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "x\x1b]0;owned\x07\u202ecap.pcap", bodega())
    assert main(["analyze", str(path)]) == exit_codes.PROBLEMS_FOUND
    text = capsys.readouterr().out
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert text.startswith("x\\u001b]0;owned\\u0007\\u202ecap.pcap (pcap)")


def _findings(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any]]:
    code = main(["analyze", "--json", str(path)])
    return code, {f["id"]: f for f in json.loads(capsys.readouterr().out)["findings"]}


def test_a_damaged_capture_proves_loss_only_with_connections_it_holds_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The C1 sample is damaged at frame 39 (tests/capture/samples/damaged): the three
    connections open then (frames 2-36 and 4-37, whose server never closed, and 33-68)
    show holes the damage may explain; the one after it (44-73) shows the loss whole."""
    from tests.capture.damaged_sample import damaged_capture

    code, found = _findings(damaged_capture(tmp_path), capsys)
    assert code == exit_codes.PROBLEMS_FOUND
    loss = found["path.large_packet_loss"]
    assert loss["values"]["connections"] == 1
    assert [e["packets"] for e in loss["evidence"]] == [[70, 71]]
    missing = found["capture.frames_missing"]
    assert missing["severity"] == "warning" and missing["values"]["connections"] == 3
    assert [e["packets"][0] for e in missing["evidence"]] == [27, 29, 41]
    assert "the capture file is damaged between frames 38 and 40" in missing["user_text"]
    assert "may have been in the frames the capture lost" in missing["engineer_text"]


def test_a_healthy_capture_damaged_stays_quiet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """http_google with the three blocks of its 1406-byte segments overwritten: only small
    segments are left, after holes the damage made; no network is blamed."""
    from tests.capture.damaged_copies import with_damaged_blocks

    copy = with_damaged_blocks("http_google.pcapng", tmp_path / "google.pcapng", 5, 6, 8)
    code, found = _findings(copy, capsys)
    assert code == exit_codes.NO_PROBLEM, found
    assert set(found) == {"capture.frames_missing"}
    assert "74.125.95.104" in found["capture.frames_missing"]["title"]


def test_c1_whole_capture_still_proves_the_loss(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capture = read_bundle(Path(__file__).parents[1] / "gui/samples/lab-C1.wsbundle")
    code, found = _findings(capture.extract_capture(tmp_path), capsys)
    assert code == exit_codes.PROBLEMS_FOUND
    assert found["path.large_packet_loss"]["values"]["connections"] == 4
    assert "capture.frames_missing" not in found


def test_the_bundle_of_a_damaged_capture_stays_quiet_when_reanalysed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The copy in the bundle has no trace of a damaged block's header: the summary's
    capture_gaps carry the stretch to report --reanalyse."""
    from tests.capture.damaged_copies import with_damaged_blocks

    copy = with_damaged_blocks("http_google.pcapng", tmp_path / "google.pcapng", 5, 6, 8)
    out = tmp_path / "google.wsbundle"
    assert main(["analyze", str(copy), "--out", str(out)]) == exit_codes.NO_PROBLEM
    assert read_bundle(out).report["observations"]["analyze"]["capture_gaps"] == [[5, 7]]
    capsys.readouterr()
    assert main(["report", str(out), "--reanalyse", "--json"]) == exit_codes.NO_PROBLEM
    again = json.loads(capsys.readouterr().out)
    assert [f["id"] for f in again["findings"]] == ["capture.frames_missing"]
