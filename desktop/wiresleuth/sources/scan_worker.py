"""The second process of a large file's scan: it analyses its share of the conversations.

The main process reads and decodes the file once; the TCP segments of this process's share
(a hash of each conversation's endpoints) come down a pipe as numpy columns, batch by batch,
and their payload bytes are read here from the file itself, only where the analysis looks
(a TLS record header, the first bytes of a stream). Conversations never interact, so the
two shares together are exactly the one-process result.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy.typing as npt

from wiresleuth.analysis.passive_tcp import TcpAnalyser, TcpSegments
from wiresleuth.errors import CaptureFileError
from wiresleuth.input_files.regular import open_regular

if TYPE_CHECKING:  # a small file is read in one process: multiprocessing is not imported
    from multiprocessing.connection import Connection

LISTS = (
    "number", "time", "flags", "seq", "ack", "window", "seglen", "key", "forward", "frame_len",
    "ttl", "tos",
)  # fmt: skip
"""Columns read at every segment: made lists here (the rest stay arrays)."""


class FileBytes:
    """Bytes of an open file by absolute offset (``data[start:stop]``), read when asked."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def __getitem__(self, where: slice, /) -> bytes:
        start, stop = int(where.start), int(where.stop)
        return os.pread(self.fd, max(stop - start, 0), start)


def segments(
    columns: dict[str, npt.NDArray[Any]], names: list[str], source: FileBytes
) -> TcpSegments:
    """TcpSegments from the columns the main process sent."""
    fields: dict[str, Any] = {
        name: (array.tolist() if name in LISTS else array) for name, array in columns.items()
    }
    return TcpSegments(addresses=names, buffer=source, **fields)


def analyse_share(
    path: str, pipe: Connection, prefix_budget: int, other_end: Connection | None = None
) -> None:
    """(The worker process) analyse what comes down ``pipe``; send back the conversations.

    ``other_end`` is the main process's end of the pipe, which a forked worker inherits:
    closed here, so that the pipe ends (EOF) when the main process closes it.
    """
    if other_end is not None:
        other_end.close()
    analyser = TcpAnalyser(prefix_budget=prefix_budget)
    names: list[str] = []
    try:  # the main process checked the file; it may have been swapped since (a FIFO)
        handle = open_regular(Path(path), what="a capture file", error=CaptureFileError)
    except CaptureFileError:
        pipe.close()
        return
    fd = handle.fileno()
    try:
        source = FileBytes(fd)
        while True:
            message = pipe.recv()
            if message is None:
                break
            new_names, columns = message
            names.extend(new_names)
            analyser.add(segments(columns, names, source))
        pipe.send((analyser.conversations(), analyser.prefix_budget_exhausted))
    except (EOFError, OSError):
        return  # the main process stopped (cancelled, or failed): nothing to hand back
    finally:
        handle.close()
        pipe.close()
