"""Regular files only: a FIFO, a device, a socket or a folder is refused at once, by every
reader of a file the user names (issue 20, item 4: `report`, `analyze` and `open` on a FIFO
hung; `report /dev/zero` grew to 8 GB)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from wiresleuth.bundle.reader import read_bundle
from wiresleuth.capture.pcap_file import read_capture
from wiresleuth.capture.record_reader import CaptureReader
from wiresleuth.errors import BadBundle, BadInput, CaptureFileError
from wiresleuth.gui.document import load_document
from wiresleuth.input_files.regular import check_regular, open_regular

REPO = Path(__file__).resolve().parents[2]
TIMEOUT = 60.0
"""Seconds a command may take to refuse (it takes well under one; a hang hits this)."""


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe.wsbundle"
    os.mkfifo(path)
    return path


@pytest.fixture
def unix_socket(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "sock"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    try:
        yield path
    finally:
        server.close()


def test_a_regular_file_opens_for_ordinary_blocking_reads(tmp_path: Path) -> None:
    path = tmp_path / "x.pcap"
    path.write_bytes(b"abc" * 1000)
    with open_regular(path, what="a capture file", error=CaptureFileError) as handle:
        assert os.get_blocking(handle.fileno())
        assert handle.read() == b"abc" * 1000
    check_regular(path, what="a capture file", error=CaptureFileError)


def test_a_fifo_is_refused_without_waiting_for_a_writer(fifo: Path) -> None:
    # Without O_NONBLOCK this open would block for ever: nobody writes to the FIFO.
    with pytest.raises(BadBundle, match=r"it is a FIFO \(named pipe\), not a WireSleuth bundle"):
        open_regular(fifo, what="a WireSleuth bundle", error=BadBundle)
    with pytest.raises(BadInput, match="FIFO"):
        check_regular(fifo, what="a bundle", error=BadInput)


@pytest.mark.parametrize(
    ("name", "kind"),
    [("/dev/zero", "a character device"), ("/dev/null", "a character device")],
)
def test_devices_are_refused(name: str, kind: str) -> None:
    with pytest.raises(CaptureFileError, match=f"cannot open {name}: it is {kind}"):
        open_regular(Path(name), what="a capture file", error=CaptureFileError)


def test_a_socket_and_a_folder_are_refused(unix_socket: Path, tmp_path: Path) -> None:
    with pytest.raises(CaptureFileError, match="it is a socket"):
        open_regular(unix_socket, what="a capture file", error=CaptureFileError)
    with pytest.raises(CaptureFileError, match="it is a folder, not a capture file"):
        open_regular(tmp_path, what="a capture file", error=CaptureFileError)
    with pytest.raises(CaptureFileError, match="no such file"):
        open_regular(tmp_path / "gone", what="a capture file", error=CaptureFileError)


def test_every_reader_refuses_a_fifo_and_a_device(fifo: Path) -> None:
    for path in (fifo, Path("/dev/zero")):
        with pytest.raises(BadBundle, match="only regular files are read"):
            read_bundle(path)
        with pytest.raises(CaptureFileError, match="only regular files are read"):
            CaptureReader(path)
        with pytest.raises(CaptureFileError, match="only regular files are read"):
            read_capture(path)
        with pytest.raises(BadBundle, match="only regular files are read"):
            load_document(path)


def _wiresleuth(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    return subprocess.run(
        [sys.executable, "-m", "wiresleuth", *args],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
        cwd=REPO,
        env=env,
    )


@pytest.mark.parametrize(
    "args",
    [
        ["report", "{fifo}"],
        ["report", "--json", "/dev/zero"],
        ["analyze", "{fifo}"],
        ["analyze", "/dev/zero"],
        ["open", "{fifo}", "--screenshot", "{shot}"],
        ["open", "/dev/zero", "--screenshot", "{shot}"],
    ],
)
def test_the_commands_refuse_with_exit_2_and_one_line(
    fifo: Path, tmp_path: Path, args: list[str]
) -> None:
    filled = [a.format(fifo=fifo, shot=tmp_path / "shot.png") for a in args]
    done = _wiresleuth(*filled, home=tmp_path)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "only regular files are read" in lines[0], done.stderr
