"""Open in Wireshark at frame N: the program found where it is installed, the command built."""

from __future__ import annotations

from pathlib import Path

import pytest

from wiresleuth.gui.wireshark import find_wireshark, wireshark_command


def _program(folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    program = folder / name
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    return program


def test_found_on_the_path_or_where_windows_installs_it(tmp_path: Path) -> None:
    on_path = _program(tmp_path / "bin", "wireshark")
    assert find_wireshark({"PATH": str(on_path.parent)}, "linux") == on_path
    assert find_wireshark({"PATH": str(tmp_path / "empty")}, "linux") is None
    windows = _program(tmp_path / "pf" / "Wireshark", "Wireshark.exe")
    assert find_wireshark({"PATH": "", "ProgramFiles": str(tmp_path / "pf")}, "win32") == windows
    assert find_wireshark({"PATH": "", "ProgramFiles": str(tmp_path / "nothing")}, "win32") is None


def test_the_command_opens_the_file_at_the_frame(tmp_path: Path) -> None:
    program, capture = tmp_path / "wireshark", tmp_path / "capture file.pcapng"
    assert wireshark_command(program, capture, 27) == [str(program), "-r", str(capture), "-g", "27"]
    with pytest.raises(ValueError, match="start at 1"):
        wireshark_command(program, capture, 0)
