"""read_bundle: the committed sample reads; every kind of bad input gets its own message."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from wiresleuth.bundle.reader import read_bundle
from wiresleuth.bundle.writer import write_bundle
from wiresleuth.errors import BundleError
from wiresleuth.model.finding import Severity
from wiresleuth.model.run import RunResult

from .conftest import SAMPLES, rewrite_zip

SAMPLE = SAMPLES / "format-1.wsbundle"


def test_the_format_1_sample_reads_with_its_evidence_and_capture(tmp_path: Path) -> None:
    bundle = read_bundle(SAMPLE)
    assert [f.id for f in bundle.findings] == [
        "path.tcp_intercepted",
        "tls.plaintext_injected",
        "tls.reset_after_client_hello",
        "path.dscp_marked",
        "net.gateway_vendor",
    ]
    reset = bundle.findings[2]
    assert reset.severity is Severity.PROBLEM
    assert reset.packets == (4, 5, 2, 6)
    assert reset.values["seconds"] == 3.0023
    injected = bundle.findings[1].evidence[0].data["injected_text"]
    assert "X-Bypass-Cache: Application and Content Networking System Software" in injected
    assert [c.server for c in bundle.connections] == ["198.19.1.10", "198.19.2.20", "198.19.3.30"]
    assert bundle.connections[2].events[1].dscp == 46
    assert bundle.capture.available and bundle.capture.packets == 26
    assert bundle.has_capture
    assert bundle.capture_bytes()[:4] == b"\x0a\x0d\x0d\x0a"  # pcapng section header block
    assert bundle.system["routes"][0]["gateway"] == "198.18.0.1"
    assert "run finished" in bundle.log


@pytest.fixture
def good(captured: RunResult, tmp_path: Path) -> Path:
    return write_bundle(captured, tmp_path / "good.wsbundle")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(BundleError, match=r"no such bundle: .*nothing.wsbundle"):
        read_bundle(tmp_path / "nothing.wsbundle")


def test_a_folder(tmp_path: Path) -> None:
    with pytest.raises(BundleError, match=r"is a folder, not a WireSleuth bundle"):
        read_bundle(tmp_path)


def test_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "x.wsbundle"
    path.write_text("PK? no, a text file renamed")
    with pytest.raises(BundleError, match=r"is not a WireSleuth bundle \(not a zip file\)"):
        read_bundle(path)


def test_a_zip_without_manifest(tmp_path: Path) -> None:
    path = tmp_path / "x.wsbundle"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("holiday.jpg", b"\xff\xd8")
    with pytest.raises(BundleError, match=r"is not a WireSleuth bundle: it has no manifest.json"):
        read_bundle(path)


def test_a_manifest_of_something_else(good: Path, tmp_path: Path) -> None:
    manifest = json.dumps({"format": "other-tool", "format_version": 1}).encode()
    path = rewrite_zip(good, tmp_path / "x.wsbundle", {"manifest.json": manifest})
    with pytest.raises(
        BundleError, match=r"not a WireSleuth bundle \(manifest format 'other-tool'\)"
    ):
        read_bundle(path)


def test_a_newer_format(good: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(good) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    manifest.update(format_version=2, program_version="1.4.0")
    path = rewrite_zip(
        good, tmp_path / "x.wsbundle", {"manifest.json": json.dumps(manifest).encode()}
    )
    with pytest.raises(BundleError) as caught:
        read_bundle(path)
    assert "made by a newer WireSleuth 1.4.0 (bundle format 2)" in str(caught.value)
    assert "Update WireSleuth to open it" in str(caught.value)


def test_a_manifest_that_is_not_json(good: Path, tmp_path: Path) -> None:
    path = rewrite_zip(good, tmp_path / "x.wsbundle", {"manifest.json": b"{not json"})
    with pytest.raises(BundleError, match=r"is damaged: manifest.json: not valid JSON"):
        read_bundle(path)


def test_a_member_whose_checksum_does_not_match(good: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(good) as archive:
        report = json.loads(archive.read("report.json"))
    report["findings"][0]["title"] = "edited by hand"
    path = rewrite_zip(good, tmp_path / "x.wsbundle", {"report.json": json.dumps(report).encode()})
    with pytest.raises(BundleError, match=r"is damaged: report.json: checksum mismatch"):
        read_bundle(path)


def test_a_missing_member(good: Path, tmp_path: Path) -> None:
    path = rewrite_zip(good, tmp_path / "x.wsbundle", {"system.json": None})
    with pytest.raises(BundleError, match=r"is damaged: system.json: member is missing"):
        read_bundle(path)


def test_a_member_with_corrupted_compressed_bytes(good: Path, tmp_path: Path) -> None:
    data = bytearray(good.read_bytes())
    with zipfile.ZipFile(good) as archive:
        info = archive.getinfo("report.json")
    # Local header: 30 bytes + name + extra; then the deflated data, which we scramble.
    name_len = int.from_bytes(data[info.header_offset + 26 : info.header_offset + 28], "little")
    extra_len = int.from_bytes(data[info.header_offset + 28 : info.header_offset + 30], "little")
    start = info.header_offset + 30 + name_len + extra_len
    for offset in range(start + 10, start + 60):
        data[offset] ^= 0x5A
    path = tmp_path / "x.wsbundle"
    path.write_bytes(bytes(data))
    with pytest.raises(BundleError, match=r"is damaged: report.json: cannot be read"):
        read_bundle(path)


def test_a_truncated_download_says_how_much_arrived(good: Path, tmp_path: Path) -> None:
    path = tmp_path / "x.wsbundle"
    half = good.stat().st_size // 2
    path.write_bytes(good.read_bytes()[:half])
    with pytest.raises(BundleError) as caught:
        read_bundle(path)
    message = str(caught.value)
    assert message.startswith(f"{path} is incomplete: it holds {half} of at least ")
    needed = int(message.split("of at least ")[1].split()[0])
    assert half < needed <= good.stat().st_size
    assert "cut short" in message and "not a zip" not in message


@pytest.mark.parametrize("cut", [1, 2, 21, 22, 100])
def test_a_bundle_cut_in_its_directory_is_incomplete_too(
    good: Path, tmp_path: Path, cut: int
) -> None:
    path = tmp_path / "x.wsbundle"
    path.write_bytes(good.read_bytes()[:-cut])
    with pytest.raises(BundleError, match=r"is incomplete: it holds \d+ of at least \d+ bytes"):
        read_bundle(path)


def test_something_that_is_no_zip_at_all_is_still_said_so(tmp_path: Path) -> None:
    path = tmp_path / "x.wsbundle"
    path.write_bytes(b"%PDF-1.7 not a bundle" * 10)
    with pytest.raises(BundleError, match=r"not a WireSleuth bundle \(not a zip file\)"):
        read_bundle(path)


def test_a_checksum_mismatch_is_read_leniently_with_its_damage(good: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(good) as archive:
        report = json.loads(archive.read("report.json"))
    report["findings"][0]["title"] = "edited by hand"
    changes = {
        "report.json": json.dumps(report).encode(),
        "capture.pcapng": b"\x0a\x0d\x0d\x0a",
    }
    path = rewrite_zip(good, tmp_path / "x.wsbundle", changes)
    bundle = read_bundle(path, lenient=True)
    assert bundle.findings[0].title == "edited by hand"  # what is readable is read
    assert [d.split(":")[0] for d in bundle.damage] == ["report.json", "capture.pcapng"]
    assert "do not match the checksum" in bundle.damage[0]
    target = bundle.extract_capture(tmp_path / "out.pcapng")  # given as it is
    assert target.read_bytes() == b"\x0a\x0d\x0d\x0a"
    with pytest.raises(BundleError, match="checksum mismatch"):
        read_bundle(path)  # strict by default
    assert read_bundle(good, lenient=True).damage == ()


def test_a_report_that_is_not_json(good: Path, tmp_path: Path) -> None:
    path = rewrite_zip(good, tmp_path / "x.wsbundle", {"report.json": b"\xff\xfe"}, fix_hashes=True)
    with pytest.raises(BundleError, match=r"is damaged: report.json: not valid JSON"):
        read_bundle(path)


def test_a_report_with_a_broken_finding(good: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(good) as archive:
        report = json.loads(archive.read("report.json"))
    del report["findings"][1]["severity"]
    changes = {"report.json": json.dumps(report).encode()}
    path = rewrite_zip(good, tmp_path / "x.wsbundle", changes, fix_hashes=True)
    with pytest.raises(
        BundleError, match=r"report.json is damaged: finding 2: missing field 'severity'"
    ):
        read_bundle(path)


def test_a_damaged_capture_is_caught_when_read(good: Path, tmp_path: Path) -> None:
    path = rewrite_zip(good, tmp_path / "x.wsbundle", {"capture.pcapng": b"\x0a\x0d\x0d\x0a"})
    bundle = read_bundle(path)  # the capture is read on demand
    with pytest.raises(BundleError, match=r"is damaged: capture.pcapng: checksum mismatch"):
        bundle.capture_bytes()
    target = tmp_path / "out.pcapng"
    with pytest.raises(BundleError, match=r"capture.pcapng: checksum mismatch"):
        bundle.extract_capture(target)
    assert not target.exists()
