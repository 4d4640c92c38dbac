"""Compile the capture helper from this checkout's source for the tests (never a stale build).

Skips, naming the command that installs what is missing, where gcc or libpcap's headers are
absent. Also builds the small shared libraries the loader tests try to inject.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BUILD = REPO / "desktop" / "capture-helper" / "build.sh"
PCAP_HEADER = Path("/usr/include/pcap/pcap.h")
SKIP = "compiling the capture helper needs gcc and libpcap-dev: run scripts/setup"


def compile_helper(folder: Path) -> Path:
    """``folder/wiresleuth-capture`` built with the project's own recipe."""
    if shutil.which("gcc") is None or not PCAP_HEADER.is_file():
        pytest.skip(SKIP)
    out = folder / "wiresleuth-capture"
    done = subprocess.run(
        [str(BUILD), str(out)], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    return out


def compile_library(source: str, out: Path, *, soname: str | None = None) -> Path:
    """A shared library from C source text (for the loader-injection tests)."""
    if shutil.which("gcc") is None:
        pytest.skip(SKIP)
    source_file = out.with_suffix(".c")
    source_file.write_text(source)
    command = ["gcc", "-shared", "-fPIC", "-o", str(out), str(source_file)]
    if soname:
        command.append(f"-Wl,-soname,{soname}")
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    return out
