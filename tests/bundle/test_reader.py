"""read_bundle: the committed sample reads; every kind of bad input gets its own message."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import warnings
import zipfile
from pathlib import Path

import pytest

from wiresleuth.bundle.reader import read_bundle
from wiresleuth.bundle.serialize import MAX_EVIDENCE, MAX_EVIDENCE_PACKETS
from wiresleuth.bundle.writer import write_bundle
from wiresleuth.cli import exit_codes
from wiresleuth.cli.main import main
from wiresleuth.errors import BadBundle, BundleError
from wiresleuth.input_files.extract_folders import STALE_AFTER
from wiresleuth.model.finding import Severity
from wiresleuth.model.run import RunResult

from .conftest import SAMPLES, rewrite_zip

SAMPLE = SAMPLES / "format-1.wsbundle"
REPO = Path(__file__).resolve().parents[2]


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


# -- hostile bundles (issue 20, items 6 and 8) ---------------------------------------------


def claim_size(path: Path, member: str, size: int) -> None:
    """Make the zip's central directory claim ``size`` uncompressed bytes for ``member``
    (what a hand-made zip may say; the bytes themselves stay as they are)."""
    data = bytearray(path.read_bytes())
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        name_len = int.from_bytes(data[at + 28 : at + 30], "little")
        if data[at + 46 : at + 46 + name_len] == member.encode():
            data[at + 24 : at + 28] = size.to_bytes(4, "little")
            path.write_bytes(bytes(data))
            return
        at = data.find(b"PK\x01\x02", at + 4)
    raise AssertionError(f"{member} is not in {path}")


def with_report(good: Path, target: Path, report: bytes) -> Path:
    return rewrite_zip(good, target, {"report.json": report}, fix_hashes=True)


def test_a_capture_claiming_gigabytes_is_refused_before_a_byte_is_extracted(
    good: Path, tmp_path: Path
) -> None:
    path = tmp_path / "x.wsbundle"
    path.write_bytes(good.read_bytes())
    claim_size(path, "capture.pcapng", 0xFFFF_FFF0)  # the 36 MB bundle said 10 GiB
    with pytest.raises(BadBundle, match=r"capture.pcapng: member is too large \(4294967280 bytes"):
        read_bundle(path)


def test_a_member_that_inflates_past_its_size_claim_is_stopped(good: Path, tmp_path: Path) -> None:
    path = tmp_path / "x.wsbundle"
    path.write_bytes(good.read_bytes())
    claim_size(path, "system.json", 10)  # the zip says 10 bytes; the stream holds more
    with pytest.raises(BadBundle, match=r"system.json: cannot be read"):
        read_bundle(path)


def test_a_huge_report_is_refused_on_its_uncompressed_size(good: Path, tmp_path: Path) -> None:
    padding = b" " * (40 << 20)  # 40 MiB of JSON whitespace: 40 KB compressed
    path = with_report(good, tmp_path / "x.wsbundle", b"{" + padding + b"}")
    assert path.stat().st_size < 1 << 20
    with pytest.raises(BadBundle, match=r"report.json: member is too large \(41943042 bytes"):
        read_bundle(path)


def test_a_report_of_two_million_empty_objects_is_refused_before_decoding(
    good: Path, tmp_path: Path
) -> None:
    report = b'{"findings": [], "x": [' + b"{}," * 2_500_000 + b"{}]}"
    path = with_report(good, tmp_path / "x.wsbundle", report)
    with pytest.raises(BadBundle, match=r"report.json: not accepted: it holds more than"):
        read_bundle(path)


@pytest.mark.parametrize(
    ("report", "words"),
    [
        (b'{"x": ' + b"[" * 50_000 + b"]" * 50_000 + b"}", "nested 50001 levels deep"),
        (b'{"findings": [], "capture": {"packets": ' + b"7" * 5000 + b"}}", "longer than 40"),
    ],
)
def test_deep_json_and_huge_numbers_are_a_bad_bundle_not_a_traceback(
    good: Path, tmp_path: Path, report: bytes, words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = with_report(good, tmp_path / "x.wsbundle", report)
    with pytest.raises(BadBundle, match=f"report.json: .*{words}"):
        read_bundle(path)
    assert main(["report", str(path)]) == exit_codes.COULD_NOT_RUN
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and words in err[0]


def test_a_report_html_that_does_not_match_the_manifest_is_refused(
    good: Path, tmp_path: Path
) -> None:
    page = b"<html><body>phishing form</body></html>"
    path = rewrite_zip(good, tmp_path / "x.wsbundle", {"report.html": page})
    with pytest.raises(BadBundle, match=r"report.html: checksum mismatch"):
        read_bundle(path)
    path = rewrite_zip(good, tmp_path / "y.wsbundle", {"report.html": None})
    with pytest.raises(BadBundle, match=r"report.html: member is missing"):
        read_bundle(path)


def test_a_member_the_manifest_does_not_list_is_refused(good: Path, tmp_path: Path) -> None:
    path = rewrite_zip(good, tmp_path / "x.wsbundle", {"evil.exe": b"MZ"})
    with pytest.raises(BadBundle, match=r"evil.exe: member is not listed in the manifest"):
        read_bundle(path)


def test_a_member_stored_twice_is_refused(good: Path, tmp_path: Path) -> None:
    path = tmp_path / "x.wsbundle"
    path.write_bytes(good.read_bytes())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile warns about the duplicate
        with zipfile.ZipFile(path, "a") as archive:
            archive.writestr("report.json", b'{"findings": []}')
    with pytest.raises(BadBundle, match=r"report.json: the zip holds this member twice"):
        read_bundle(path)


def test_a_listed_capture_that_is_absent_is_damage(good: Path, tmp_path: Path) -> None:
    path = rewrite_zip(good, tmp_path / "x.wsbundle", {"capture.pcapng": None})
    with pytest.raises(BadBundle, match=r"capture.pcapng: member is missing"):
        read_bundle(path)


def test_a_huge_evidence_list_is_capped_at_load_and_counted(good: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(good) as archive:
        report = json.loads(archive.read("report.json"))
    evidence = [{"text": f"fact {i}", "packets": [i]} for i in range(100_000)]
    report["findings"][0]["evidence"] = evidence
    report["findings"][1]["evidence"] = [{"text": "many frames", "packets": list(range(50_000))}]
    path = with_report(good, tmp_path / "x.wsbundle", json.dumps(report).encode())
    bundle = read_bundle(path)
    first = bundle.findings[0].evidence
    assert len(first) == MAX_EVIDENCE + 1
    assert first[-1].text.startswith(f"and {100_000 - MAX_EVIDENCE} more evidence items")
    assert first[-1].data == {"evidence_not_loaded": 100_000 - MAX_EVIDENCE}
    assert len(bundle.report["findings"][0]["evidence"]) == 100_000  # report.json untouched
    frames = bundle.findings[1].evidence[0]
    assert len(frames.packets) == MAX_EVIDENCE_PACKETS
    assert f"the first {MAX_EVIDENCE_PACKETS} of 50000 frames are listed" in frames.text


def test_the_extracted_capture_is_checked_and_its_folder_removed(good: Path) -> None:
    bundle = read_bundle(good)
    with bundle.extracted_capture() as path:
        folder = path.parent
        assert path.read_bytes() == bundle.capture_bytes()
        assert folder.stat().st_mode & 0o777 == 0o700
    assert not folder.exists()


def test_a_full_disk_while_extracting_leaves_no_file(
    good: Path, tmp_path: Path, tiny_disk: Path
) -> None:
    big = bytes(range(256)) * 1024  # 256 KiB: more than the 64 KiB disk holds
    path = rewrite_zip(good, tmp_path / "x.wsbundle", {"capture.pcapng": big}, fix_hashes=True)
    target = tiny_disk / "out.pcapng"
    with pytest.raises(BundleError, match=r"cannot extract the capture to .*out.pcapng"):
        read_bundle(path).extract_capture(target)
    assert not target.exists()


HOLDER = """
import sys, time
from pathlib import Path
from wiresleuth.bundle.reader import read_bundle
with read_bundle(Path(sys.argv[1])).extracted_capture() as path:
    print(path, flush=True)
    time.sleep(120)
"""


def test_a_killed_viewer_leaves_its_capture_until_a_later_start(
    good: Path, tmp_path: Path
) -> None:
    temp = tmp_path / "temp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp)}
    child = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(good)], stdout=subprocess.PIPE, text=True, env=env,
        cwd=REPO,
    )  # fmt: skip
    assert child.stdout is not None
    with child.stdout:
        extracted = Path(child.stdout.readline().strip())
        assert extracted.is_file() and extracted.parent.parent == temp
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    assert extracted.exists()  # a kill runs no clean-up
    then = time.time() - STALE_AFTER - 60  # a later start, past the sweep's guard
    os.utime(extracted.parent, (then, then))
    started = subprocess.run(
        [sys.executable, "-m", "wiresleuth", "report", str(good)],
        capture_output=True, text=True, env=env, cwd=REPO, timeout=120, check=False,
    )  # fmt: skip
    assert started.returncode == exit_codes.PROBLEMS_FOUND, started.stderr
    assert not extracted.parent.exists() and list(temp.iterdir()) == []


def test_capture_damage_is_found_as_the_capture_streams() -> None:
    from tests.capture.damaged_sample import DAMAGED_BUNDLE, FRAMES_BEFORE_DAMAGE

    damage = read_bundle(DAMAGED_BUNDLE).capture_damage()
    assert damage is not None and damage.frames_before == FRAMES_BEFORE_DAMAGE
    assert read_bundle(SAMPLE).capture_damage() is None
    fresh_c1 = Path(__file__).parents[1] / "gui" / "samples" / "lab-C1.wsbundle"
    assert read_bundle(fresh_c1).capture_damage() is None
