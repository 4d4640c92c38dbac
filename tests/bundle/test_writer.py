"""write_bundle: a round trip through a real zip, atomic on failure, and nothing secret inside."""

from __future__ import annotations

import dataclasses
import os
import shutil
import stat
import subprocess
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from wiresleuth.bundle.reader import read_bundle
from wiresleuth.bundle.writer import write_bundle
from wiresleuth.errors import BundleError
from wiresleuth.model.finding import Evidence
from wiresleuth.model.run import RunResult

from .sample_runs import captured_run

PASSWORD = "hunter2-Pr0xy"
BASIC = "YWxpY2U6aHVudGVyMi1QcjB4eQ=="  # alice:hunter2-Pr0xy
BEARER = "eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LWJlYXJlcg"
API_KEY = "k-7f3a9c2e51d0"
SECRETS = (PASSWORD, BASIC, BEARER, API_KEY)
PROXY_URL = f"http://alice:{PASSWORD}@proxy.lab.test:3128"
CONNECT = (
    "CONNECT legacy.lab.test:443 HTTP/1.1\r\nHost: legacy.lab.test:443\r\n"
    f"Proxy-Authorization: Basic {BASIC}\r\nUser-Agent: WireSleuth/0.1\r\n\r\n"
)


def _tshark_frames(path: Path) -> list[str]:
    done = subprocess.run(
        ["tshark", "-r", str(path), "-T", "fields", "-e", "frame.number", "-e", "frame.comment"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return [line for line in done.stdout.splitlines() if line.strip()]


def test_round_trip_with_capture(captured: RunResult, tmp_path: Path) -> None:
    path = write_bundle(captured, tmp_path / "run.wsbundle")
    assert path == tmp_path / "run.wsbundle"
    bundle = read_bundle(path)
    assert bundle.findings == captured.findings
    assert bundle.connections == captured.connections
    assert bundle.capture == captured.capture
    assert bundle.system == captured.system
    assert bundle.log == "\n".join(captured.log) + "\n"
    assert bundle.report["profile"] == captured.profile
    assert bundle.report["observations"] == captured.observations
    assert bundle.has_capture
    assert captured.capture_file is not None
    original = captured.capture_file.read_bytes()
    assert bundle.capture_bytes() == original
    folder = tmp_path / "extracted"
    folder.mkdir()
    extracted = bundle.extract_capture(folder)
    assert extracted == folder / "capture.pcapng"
    assert extracted.read_bytes() == original
    if shutil.which("tshark"):
        frames = _tshark_frames(extracted)
        assert len(frames) == 26
        assert "WireSleuth: reset 3.00 s after the ClientHello" in frames[5]


def test_round_trip_without_capture(uncaptured: RunResult, tmp_path: Path) -> None:
    bundle = read_bundle(write_bundle(uncaptured, tmp_path / "run.wsbundle"))
    assert bundle.findings == uncaptured.findings
    assert bundle.connections == uncaptured.connections
    assert bundle.report["cancelled"] is True
    assert bundle.report["capture"]["file"] is None
    assert not bundle.has_capture
    with pytest.raises(BundleError, match=r"holds no capture \(no permission to capture"):
        bundle.capture_bytes()
    with pytest.raises(BundleError, match="holds no capture"):
        bundle.extract_capture(tmp_path / "x.pcapng")
    assert not (tmp_path / "x.pcapng").exists()


def test_the_bundle_holds_a_report_page_and_is_readable_by_its_owner_group_and_others(
    captured: RunResult, tmp_path: Path
) -> None:
    path = write_bundle(captured, tmp_path / "run.wsbundle")
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    with zipfile.ZipFile(path) as archive:
        html = archive.read("report.html").decode()
    assert html.startswith("<!DOCTYPE html>")
    for finding in captured.findings:
        assert finding.title in html


def test_writing_again_replaces_the_old_bundle(
    captured: RunResult, uncaptured: RunResult, tmp_path: Path
) -> None:
    path = tmp_path / "run.wsbundle"
    write_bundle(captured, path)
    write_bundle(uncaptured, path)
    assert read_bundle(path).findings == uncaptured.findings
    assert sorted(p.name for p in tmp_path.iterdir()) == ["capture", "run.wsbundle"]


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_folder_in_the_way_fails_after_writing_and_leaves_no_temp_file(
    captured: RunResult, tmp_path: Path
) -> None:
    target = tmp_path / "run.wsbundle"
    target.mkdir()
    with pytest.raises(BundleError, match="a folder of that name is in the way"):
        write_bundle(captured, target)
    assert _leftovers(tmp_path) == ["capture", "run.wsbundle"]
    assert list(target.iterdir()) == []


def test_disk_full_mid_write_leaves_the_old_bundle_and_no_temp_file(
    captured: RunResult, tmp_path: Path, tiny_disk: Path
) -> None:
    big_capture = tmp_path / "big.pcapng"
    big_capture.write_bytes(os.urandom(400_000))  # incompressible: cannot fit in 64 KiB
    result = dataclasses.replace(captured, capture_file=big_capture)
    old = tiny_disk / "run.wsbundle"
    old.write_bytes(b"the previous bundle")
    with pytest.raises(BundleError, match=f"disk full while writing bundle {old}"):
        write_bundle(result, old)
    assert _leftovers(tiny_disk) == ["run.wsbundle"]
    assert old.read_bytes() == b"the previous bundle"


def test_read_only_folder(captured: RunResult, read_only_disk: Path) -> None:
    with pytest.raises(BundleError, match="is on a read-only file system"):
        write_bundle(captured, read_only_disk / "run.wsbundle")
    assert _leftovers(read_only_disk) == []


def test_missing_folder(captured: RunResult, tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "run.wsbundle"
    with pytest.raises(BundleError, match=r"folder .*/no/such does not exist"):
        write_bundle(captured, target)
    assert not (tmp_path / "no").exists()


def test_capture_file_that_vanished(captured: RunResult, tmp_path: Path) -> None:
    result = dataclasses.replace(captured, capture_file=tmp_path / "gone.pcapng")
    with pytest.raises(BundleError, match=r"cannot read capture file .*gone\.pcapng"):
        write_bundle(result, tmp_path / "run.wsbundle")
    assert _leftovers(tmp_path) == ["capture"]


def _run_full_of_secrets(folder: Path) -> RunResult:
    base = captured_run(
        folder,
        extra_payloads=(
            CONNECT.encode(),
            f"GET {PROXY_URL}/ HTTP/1.1\r\nAuthorization: Bearer {BEARER}\r\n\r\n".encode(),
        ),
    )
    first = base.findings[0]
    planted = dataclasses.replace(
        first,
        engineer_text=f"{first.engineer_text} Proxy used: {PROXY_URL}.",
        evidence=(
            *first.evidence,
            Evidence(
                text="The CONNECT request as sent",
                data={"request": CONNECT, "raw": CONNECT.encode(), "api_key": API_KEY},
            ),
        ),
    )
    return dataclasses.replace(
        base,
        findings=(planted, *base.findings[1:]),
        profile={
            **base.profile,
            "proxy": {"url": PROXY_URL, "username": "alice", "password": PASSWORD},
            "api_key": API_KEY,
        },
        system={
            **base.system,
            "proxy": {"mode": "manual", "http": PROXY_URL, "https": PROXY_URL},
            "environment": {"HTTPS_PROXY": PROXY_URL, "SERVICE_TOKEN": BEARER},
        },
        log=(
            *base.log,
            f"09:30:05 DEBUG sending CONNECT with Proxy-Authorization: Basic {BASIC}",
            f"09:30:05 DEBUG proxy from environment: {PROXY_URL}",
            f"09:30:05 DEBUG headers {{'Authorization': 'Bearer {BEARER}'}} api_key={API_KEY}",
        ),
        observations={
            **base.observations,
            "proxy_path": {
                "request": CONNECT,
                "request_bytes": CONNECT.encode(),
                "headers": {"Proxy-Authorization": f"Basic {BASIC}"},
                "proxy": PROXY_URL,
            },
        },
    )


def test_no_secret_lands_in_any_member(tmp_path: Path) -> None:
    folder = tmp_path / "capture"
    folder.mkdir()
    result = _run_full_of_secrets(folder)
    assert result.capture_file is not None
    raw_capture = result.capture_file.read_bytes()
    assert BASIC.encode() in raw_capture and PASSWORD.encode() in raw_capture  # planted
    path = write_bundle(result, tmp_path / "run.wsbundle")
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    assert set(members) >= {
        "report.json",
        "system.json",
        "log.txt",
        "report.html",
        "capture.pcapng",
    }
    for name, data in members.items():
        for secret in SECRETS:
            assert secret.encode() not in data, f"{secret} in {name}"
            assert secret.encode().hex().encode() not in data, f"{secret} (hex) in {name}"
    assert b"Proxy-Authorization: Basic ***" in members["log.txt"]
    assert b"http://***@proxy.lab.test:3128" in members["system.json"]
    assert len(members["capture.pcapng"]) == len(raw_capture)
    if shutil.which("tshark"):
        extracted = tmp_path / "redacted.pcapng"
        extracted.write_bytes(members["capture.pcapng"])
        assert len(_tshark_frames(extracted)) == 28


def test_a_large_capture_streams_into_the_bundle_without_being_held(
    captured: RunResult, tmp_path: Path
) -> None:
    """`analyze --out` of a 256 MiB capture peaked at 1.3 GB: the writer held the capture,
    its redacted copies and the zip's input at once. Now it streams (benchmarks/
    bench_memory.py prints the figures)."""
    assert captured.capture_file is not None
    big = tmp_path / "big.pcapng"
    with big.open("wb") as out:
        out.write(captured.capture_file.read_bytes())
        block = os.urandom(1 << 20)
        for _ in range(32):  # 32 MiB of a block no reader knows: the damaged tail, all data
            out.write(block)
    result = dataclasses.replace(captured, capture_file=big)
    tracemalloc.start()
    try:
        path = write_bundle(result, tmp_path / "big.wsbundle")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < big.stat().st_size // 2, f"{peak >> 20} MiB"
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo("capture.pcapng").file_size == big.stat().st_size
    assert read_bundle(path).has_capture
