"""manifest.json says what the bundle is, who made it, and checks every member."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import wiresleuth
from wiresleuth.bundle.manifest import FORMAT_VERSION, build_manifest, sha256_hex
from wiresleuth.bundle.writer import write_bundle
from wiresleuth.model.run import RunResult


def test_manifest_fields_and_checksums(captured: RunResult, tmp_path: Path) -> None:
    path = write_bundle(captured, tmp_path / "run.wsbundle")
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        members = {name: archive.read(name) for name in archive.namelist()}
    assert manifest["format"] == "wiresleuth-bundle"
    assert manifest["format_version"] == FORMAT_VERSION == 1
    assert manifest["program"] == "wiresleuth"
    assert manifest["program_version"] == wiresleuth.__version__
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", manifest["created"])
    assert set(manifest["os"]) == {"system", "release", "version", "machine", "python"}
    assert manifest["capture_included"] is True
    assert set(manifest["files"]) == set(members) - {"manifest.json"}
    for name, digest in manifest["files"].items():
        assert sha256_hex(members[name]) == digest, name


def test_manifest_without_capture_says_so(uncaptured: RunResult, tmp_path: Path) -> None:
    path = write_bundle(uncaptured, tmp_path / "run.wsbundle")
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        names = set(archive.namelist())
    assert manifest["capture_included"] is False
    assert "capture.pcapng" not in manifest["files"]
    assert names == {"manifest.json", "report.json", "system.json", "log.txt", "report.html"}


def test_build_manifest_sorts_files_and_keeps_the_given_time() -> None:
    manifest = build_manifest(
        {"report.json": "b" * 64, "log.txt": "a" * 64},
        capture_included=False,
        created="2024-05-01T09:30:00Z",
    )
    assert list(manifest["files"]) == ["log.txt", "report.json"]
    assert manifest["created"] == "2024-05-01T09:30:00Z"
