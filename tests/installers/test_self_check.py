import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from installers import self_check

ROOT = Path(__file__).resolve().parents[2]


def test_from_source_every_required_check_passes(tmp_path: Path) -> None:
    shot = tmp_path / "check.png"
    done = subprocess.run(
        [sys.executable, "-m", "installers.self_check", "--screenshot", str(shot)],
        capture_output=True, text=True, timeout=120, cwd=ROOT, check=False,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path)},
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].endswith("(source)")
    assert any(line.startswith("ok   ") and "package data files readable" in line for line in lines)
    assert "ok   profile: built-in default; logo: none" in lines
    assert shot.read_bytes().startswith(b"\x89PNG")


def test_file_capabilities_are_read_from_the_file(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.write_bytes(b"")
    assert self_check.file_capabilities(plain) == 0
    if os.geteuid() != 0 or shutil.which("setcap") is None:
        pytest.skip("setting a file capability needs root and setcap")
    subprocess.run(["setcap", "cap_net_raw=ep", str(plain)], check=True)
    assert self_check.file_capabilities(plain) == 1 << self_check.CAP_NET_RAW
