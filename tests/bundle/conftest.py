"""Fixtures for the bundle tests: realistic runs and small real file systems that fail."""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest

from tests.small_disk import mounted_tmpfs
from wiresleuth.bundle.manifest import MANIFEST_MEMBER, sha256_hex
from wiresleuth.model.run import RunResult

from .sample_runs import captured_run, uncaptured_run

SAMPLES = Path(__file__).parent / "samples"
"""One committed bundle per format version: ``format-N.wsbundle``."""


@pytest.fixture
def captured(tmp_path: Path) -> RunResult:
    """The C8 + C6 + DSCP run with a real capture file."""
    folder = tmp_path / "capture"
    folder.mkdir()
    return captured_run(folder)


@pytest.fixture
def uncaptured() -> RunResult:
    """A cancelled run without capture rights."""
    return uncaptured_run()


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 64 KiB file system: writing a larger bundle there runs out of space."""
    with mounted_tmpfs(tmp_path / "tiny", "size=64k,mode=0755") as mount_point:
        yield mount_point


@pytest.fixture
def read_only_disk(tmp_path: Path) -> Iterator[Path]:
    """A real read-only file system."""
    with mounted_tmpfs(tmp_path / "readonly", "size=64k,ro") as mount_point:
        yield mount_point


RewriteZip = Callable[..., Path]


def rewrite_zip(
    source: Path,
    target: Path,
    changes: Mapping[str, bytes | None],
    *,
    fix_hashes: bool = False,
) -> Path:
    """Copy a bundle with members replaced (bytes) or removed (None).

    With ``fix_hashes`` the manifest's checksums are updated, so only the content is wrong.
    """
    import json

    with zipfile.ZipFile(source) as original:
        members = {name: original.read(name) for name in original.namelist()}
    for name, data in changes.items():
        if data is None:
            members.pop(name, None)
        else:
            members[name] = data
    if fix_hashes and MANIFEST_MEMBER in members and MANIFEST_MEMBER not in changes:
        manifest = json.loads(members[MANIFEST_MEMBER])
        for name in manifest["files"]:
            if name in members:
                manifest["files"][name] = sha256_hex(members[name])
        members[MANIFEST_MEMBER] = json.dumps(manifest).encode()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return target
