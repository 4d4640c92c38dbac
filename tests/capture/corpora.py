"""Where the shared corpora live: ``<repo>/../shared`` (CI lays a copy of shared/ there)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"


def corpus(name: str) -> Path:
    """A corpus directory under shared/corpora; the test fails (not skips) when it is missing."""
    path = SHARED / "corpora" / name
    if not path.is_dir():
        pytest.fail(
            f"corpus {name!r} not found at {path}: the shared/ folder must sit beside the "
            f"repository clone ({REPO})"
        )
    return path


def names(name: str, pattern: str = "*") -> list[str]:
    """File names of a corpus for parametrize; a placeholder whose test then fails if missing."""
    path = SHARED / "corpora" / name
    if not path.is_dir():
        return ["(corpus missing)"]
    return sorted(p.name for p in path.glob(pattern) if p.is_file())


def packets(name: str) -> Path:
    """One real capture of shared/corpora/packets."""
    path = corpus("packets") / name
    if not path.is_file():
        pytest.fail(f"capture {path} is missing from the corpus")
    return path


def tshark(*args: str) -> str:
    """Run tshark (the reference we cross-check against) and return its standard output."""
    if shutil.which("tshark") is None:
        pytest.skip("tshark is not installed (Debian package tshark): nothing to cross-check")
    result = subprocess.run(
        ["tshark", *args], capture_output=True, text=True, timeout=60, check=False
    )
    if result.returncode != 0:
        pytest.fail(f"tshark {' '.join(args)} failed: {result.stderr.strip()}")
    return result.stdout
