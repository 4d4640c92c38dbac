"""How ``run`` and ``watch`` end: the bundle saved, or, on a second Ctrl-C, nothing more.

Both commands end the same way, so the rules live here once: a second press during the
work, or work that will not stop after its cancel, quits at once saving nothing; a second
press while the bundle is written quits at once and says truthfully whether the bundle had
reached the disk; a bundle that cannot be written is one plain error line, never a traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

from wiresleuth.cli import console, exit_codes
from wiresleuth.cli.interrupts import InterruptGate, QuitNow, StillRunning
from wiresleuth.errors import BundleError


def quit_now(message: str) -> NoReturn:
    """Say ``message``, remove every scratch folder, and end the process at once.

    ``os._exit``: the run's worker thread (and the threads it waits on, in a system call
    perhaps) are abandoned, and the interpreter's normal exit would wait for them.
    """
    from wiresleuth.engine import scratch

    scratch.remove_all(close=True)
    console.error(message)
    sys.stdout.flush()
    os._exit(exit_codes.COULD_NOT_RUN)


@contextmanager
def quitting_at_once(stuck: str, *, first: Callable[[], None] = lambda: None) -> Iterator[None]:
    """Around the work (``interrupts.finish_interruptibly``): QuitNow (Ctrl-C twice) or
    StillRunning (the work did not stop; ``stuck`` says so) ends the process at once, saving
    nothing, after ``first`` (closing a progress line, so the message stands on its own)."""
    try:
        yield
    except QuitNow:
        first()
        quit_now("quit at once: nothing was saved")
    except StillRunning:
        first()
        quit_now(stuck)


def save_or_quit(
    write: Callable[[], Path], out: Path, gate: InterruptGate, *, discard: Callable[[], None]
) -> Path | None:
    """``write()`` the bundle meant for ``out``; the path written, or None once the reason it
    could not be written has been said. ``discard`` (the scratch files) runs in every case.

    While writing, a second Ctrl-C raises QuitNow inside the writer, which removes its
    temporary file on any exception. Whether the bundle had already been saved is told by
    the file at ``out``, not by where the exception came from: the press may land between
    the writer's rename and its return.
    """
    before = file_identity(out)
    try:
        gate.raise_on_quit = True
        written = write()
        gate.raise_on_quit = False
    except QuitNow:
        gate.raise_on_quit = False
        if file_identity(out) != before:
            quit_now(f"quit at once; the bundle had already been saved: {out}")
        quit_now("quit at once: nothing was saved")
    except BundleError as exc:
        gate.raise_on_quit = False
        console.error(str(exc))
        return None
    finally:
        discard()
    return written


def file_identity(path: Path) -> tuple[int, int, int] | None:
    """Inode, size and modification time of ``path``, None when there is no file: two
    differ when the file was replaced or written in between."""
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_ino, info.st_size, info.st_mtime_ns)
