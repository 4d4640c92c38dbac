import os
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
    assert any(line.startswith("note capture helper: ") for line in lines)  # where, and who
    assert shot.read_bytes().startswith(b"\x89PNG")


def test_the_helper_line_says_where_and_who(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WIRESLEUTH_CAPTURE_HELPER", str(tmp_path / "missing"))
    assert self_check.helper_line() == "capture helper: not installed"
    helper = tmp_path / "wiresleuth-capture"
    helper.write_bytes(b"")
    helper.chmod(0o644)  # nobody may execute it, root neither
    monkeypatch.setenv("WIRESLEUTH_CAPTURE_HELPER", str(helper))
    assert self_check.helper_line() == (
        f"capture helper: {helper} (no capture capability); "
        "this user may not start it (not in the 'wiresleuth' group)"
    )
