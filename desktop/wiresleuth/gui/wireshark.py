"""Opening a capture in Wireshark at one frame: ``wireshark -r FILE -g N``.

The viewer offers it only where a Wireshark program is installed (on the PATH, or where its
installers put it on Windows and macOS); the command is built here and started detached by
the window, so Wireshark outlives nothing and blocks nothing.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path

_WINDOWS = ("ProgramFiles", "ProgramW6432", "ProgramFiles(x86)")
_MACOS = "/Applications/Wireshark.app/Contents/MacOS/Wireshark"


def find_wireshark(
    environ: Mapping[str, str] | None = None, platform: str | None = None
) -> Path | None:
    """Wireshark's program, or None when it is not installed."""
    environ = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    found = shutil.which("wireshark", path=environ.get("PATH"))
    if found:
        return Path(found)
    candidates: list[Path] = []
    if platform == "win32":
        candidates = [
            Path(environ[key]) / "Wireshark" / "Wireshark.exe" for key in _WINDOWS if key in environ
        ]
    elif platform == "darwin":
        candidates = [Path(_MACOS)]
    return next((path for path in candidates if path.is_file()), None)


def wireshark_command(program: Path, capture: Path, frame: int) -> list[str]:
    """The command that opens ``capture`` in Wireshark with frame ``frame`` selected."""
    if frame < 1:
        raise ValueError(f"frame numbers start at 1, not {frame}")
    return [str(program), "-r", str(capture), "-g", str(frame)]
