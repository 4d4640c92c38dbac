"""The real damaged capture of tests/capture/samples/damaged (see SOURCES.md there)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from wiresleuth.bundle.reader import read_bundle

DAMAGED_BUNDLE = Path(__file__).parent / "samples" / "damaged" / "lab-C1-masked-headers.wsbundle"
"""A lab C1 bundle whose capture an old redaction damaged after frame 38 (86 written)."""
FRAMES_BEFORE_DAMAGE = 38


def damaged_capture(folder: Path) -> Path:
    """The bundle's capture.pcapng, extracted into ``folder``."""
    return read_bundle(DAMAGED_BUNDLE).extract_capture(folder)


def tshark_frames(path: Path) -> tuple[int, bool]:
    """(frames tshark shows, whether it called the file damaged); skips without tshark."""
    if shutil.which("tshark") is None:
        pytest.skip("tshark is not installed (Debian package tshark): nothing to cross-check")
    done = subprocess.run(
        ["tshark", "-r", str(path), "-T", "fields", "-e", "frame.number"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    return len(done.stdout.split()), "damaged or corrupt" in done.stderr
