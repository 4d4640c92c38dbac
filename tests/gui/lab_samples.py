"""The lab bundles of tests/gui/samples/lab (see SOURCES.md there) and tshark's reading of them."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

LAB = Path(__file__).parent / "samples" / "lab"
"""Bundles written by `wiresleuth lab run` (C1, C4-nxdomain, C6, C7, C8)."""


def lab_bundle(name: str) -> Path:
    """The bundle of lab scenario ``name``."""
    return LAB / f"{name}.wsbundle"


def lab_capture(name: str, folder: Path) -> Path:
    """The capture.pcapng of lab scenario ``name``, extracted into ``folder``."""
    target = folder / f"{name}.pcapng"
    with zipfile.ZipFile(lab_bundle(name)) as bundle:
        target.write_bytes(bundle.read("capture.pcapng"))
    return target


def tshark_fields(capture: Path, *fields: str) -> list[list[str]]:
    """One row per frame of ``capture``: the ``fields`` as tshark prints them (skips the test
    when tshark is not installed)."""
    if shutil.which("tshark") is None:
        pytest.skip("tshark is not installed (apt-get install tshark)")
    argv = ["tshark", "-r", str(capture), "-T", "fields", "-E", "separator=\t"]
    for field in fields:
        argv += ["-e", field]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return [line.split("\t") for line in done.stdout.splitlines()]
