"""Small real file systems (tmpfs) for tests of what happens when a disk is full or
read-only: the kernel's own ENOSPC and EROFS, not an imitation."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


@contextmanager
def mounted_tmpfs(mount_point: Path, options: str) -> Iterator[Path]:
    """A tmpfs mounted with ``options`` (``size=64k,ro``...) on ``mount_point`` (made here)
    while the block runs; the test is skipped where mounting is not allowed."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    mount_point.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "wiresleuth-test", str(mount_point)],
        capture_output=True, text=True, timeout=20, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(
            ["umount", "-l", str(mount_point)], capture_output=True, timeout=20, check=False
        )
