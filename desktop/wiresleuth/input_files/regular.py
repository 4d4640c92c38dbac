"""Open a file the user named: a regular file, or a plain error; never a hang.

``open()`` on a FIFO blocks until some other process opens it for writing, and a device
such as ``/dev/zero`` never ends: readers that trusted the name hung, or grew to gigabytes.
The file is opened with ``O_NONBLOCK`` (the open itself then returns at once whatever the
file is), checked with ``fstat`` on the descriptor it gave (no window between check and
use), and only a regular file is handed back, switched back to blocking reads. How much
of it is read is then the caller's bound.
"""

from __future__ import annotations

import contextlib
import io
import os
import stat
from pathlib import Path

from wiresleuth.errors import WireSleuthError

_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


def kind_of(mode: int) -> str | None:
    """What a non-regular file is, in words (None for a regular file)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def refusal(path: Path, kind: str, what: str) -> str:
    """The message for a path that is not a regular file."""
    return f"cannot open {path}: it is {kind}, not {what} (only regular files are read)"


def check_regular(path: Path, *, what: str, error: type[WireSleuthError]) -> None:
    """Raise ``error`` unless ``path`` names a regular file (``stat`` only: nothing is opened).

    For an early, friendly refusal (before a window starts); readers still open the file
    with ``open_regular``, which checks the file actually opened.
    """
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise error(_open_failed(path, exc, what)) from exc
    kind = kind_of(mode)
    if kind is not None:
        raise error(refusal(path, kind, what))


def open_regular(path: Path, *, what: str, error: type[WireSleuthError]) -> io.BufferedReader:
    """``path`` opened for binary reading; ``error`` with one plain line unless it is a
    regular file (``what`` names what it should have been: "a capture file").

    The open never blocks, whatever the path names.
    """
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        raise error(_open_failed(path, exc, what)) from exc
    try:
        kind = kind_of(os.fstat(fd).st_mode)
        if kind is not None:
            raise error(refusal(path, kind, what))
        _set_blocking(fd)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _set_blocking(fd: int) -> None:
    # Windows has no O_NONBLOCK for files (and no os.set_blocking before 3.12): already blocking.
    with contextlib.suppress(AttributeError, OSError):
        os.set_blocking(fd, True)


def _open_failed(path: Path, exc: OSError, what: str) -> str:
    if isinstance(exc, FileNotFoundError):
        return f"cannot open {path}: no such file"
    try:  # a socket cannot be opened at all (ENXIO): say what it is rather than why not
        kind = kind_of(os.stat(path).st_mode)
    except OSError:
        kind = None
    if kind is not None:
        return refusal(path, kind, what)
    return f"cannot open {path}: {exc.strerror or exc}"
