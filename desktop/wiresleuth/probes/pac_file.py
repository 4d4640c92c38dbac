"""Read a ``file://`` PAC: a regular file only, never more than the browsers' limit, never blocking.

``open()`` on a named pipe waits for a writer, forever; a device (``/dev/zero``) never ends.
Either would leave a worker thread stuck after the run, and the program could not exit.
So the path is checked before it is opened, opened without blocking (and without becoming
the controlling terminal), checked again on the open descriptor (it may have been swapped
in between), and read up to ``limit + 1`` bytes, which tells "too large" from "just fits".
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a folder"),
)


class NotARegularFile(OSError):
    """The PAC path names something other than a regular file; the message says what."""


def _check(path: Path, mode: int) -> None:
    if stat.S_ISREG(mode):
        return
    kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
    raise NotARegularFile(
        f"{path} is {kind}, not a regular file: a PAC file is read only from a regular file "
        "(reading this could wait forever)"
    )


def read_pac_file(path: Path, limit: int) -> bytes:
    """At most ``limit + 1`` bytes of the regular file ``path``; OSError otherwise."""
    try:
        mode = os.stat(path).st_mode
    except ValueError as exc:  # a NUL byte in the path (``file:///a%00b``)
        raise NotARegularFile(f"{path!r} is not a usable path: {exc}") from exc
    _check(path, mode)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    with open(os.open(path, flags | getattr(os, "O_BINARY", 0)), "rb") as handle:
        _check(path, os.fstat(handle.fileno()).st_mode)
        return handle.read(limit + 1)
