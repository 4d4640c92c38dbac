"""Private temporary folders for members extracted from bundles, gone even after a kill.

A viewer killed while it decodes an extracted capture never runs its clean-up, and the file
(up to a gigabyte of the user's traffic) would stay in the temporary folder for good. So
every folder records its owner, and ``sweep_stale`` (at every start of the program, and
before each new folder) removes the folders whose owner is gone.

The convention is the run scratch folders' (``engine/scratch.py``), so that one reading of
the temporary folder fits both: a 0700 folder with an ``.owner`` file (0600) holding
``PID START_TIME``; a folder is swept only when it belongs to this user, is older than
STALE_AFTER (a process in another pid namespace sharing /tmp looks ownerless, so a young
folder is never taken), and no process with that id runs, or the one that does started at
another time (the id was reused). The prefixes differ (``wiresleuth-extract-`` here,
``wiresleuth-run-`` and ``wiresleuth-analyze-`` there), so neither sweep touches the other's
folders; this one is separate because extraction belongs to the readers, not the engine.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

PREFIX = "wiresleuth-extract-"
"""Start of every extraction folder's name."""
OWNER_FILE = ".owner"
"""``PID START_TIME`` of the process that made the folder (as engine/scratch.py writes it)."""
STALE_AFTER = 900.0
"""Seconds a folder must be old before a sweep considers it (engine/scratch.py's value)."""

log = logging.getLogger(__name__)


def _start_time(pid: int) -> float | None:
    """When process ``pid`` started (epoch seconds); None when there is no such process."""
    import psutil  # here, not at start-up: every command sweeps, few find a folder to check

    try:
        return psutil.Process(pid).create_time()
    except psutil.NoSuchProcess:
        return None
    except (psutil.Error, OSError):  # no right to look: treat it as alive
        return -1.0


def _owner_alive(folder: Path) -> bool:
    try:
        pid_text, started_text = (folder / OWNER_FILE).read_text(encoding="ascii").split()
        pid, started = int(pid_text), float(started_text)
    except (OSError, ValueError, UnicodeDecodeError):
        return False  # no record, or a damaged one: nobody claims the folder
    if pid == os.getpid():
        return True
    actual = _start_time(pid)
    if actual is None:
        return False
    return actual < 0 or started == 0 or abs(actual - started) < 1.0


def sweep_stale(root: Path | None = None, *, now: float | None = None) -> list[Path]:
    """Remove this user's extraction folders older than STALE_AFTER whose owner is gone."""
    folder = Path(root or tempfile.gettempdir())
    now = time.time() if now is None else now
    uid = os.getuid() if hasattr(os, "getuid") else None
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not entry.name.startswith(PREFIX):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISDIR(info.st_mode) or (uid is not None and info.st_uid != uid):
            continue
        if now - info.st_mtime < STALE_AFTER:
            continue
        path = Path(entry.path)
        if _owner_alive(path):
            continue
        shutil.rmtree(path, ignore_errors=True)
        if not os.path.lexists(path):
            log.info("removed extraction folder %s left by a process that ended", path)
            removed.append(path)
    return removed


def new_folder(root: Path | None = None) -> Path:
    """A new private (0700) folder for extracted files, with its owner recorded; the caller
    removes it (``shutil.rmtree``) when done; a later start does if this process is killed."""
    with contextlib.suppress(OSError):
        sweep_stale(root)
    folder = Path(tempfile.mkdtemp(prefix=PREFIX, dir=root))
    try:
        started = _start_time(os.getpid())
        fd = os.open(folder / OWNER_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as stream:
            stream.write(f"{os.getpid()} {max(started or 0.0, 0.0):.3f}\n")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return folder


@contextlib.contextmanager
def extraction_folder(root: Path | None = None) -> Iterator[Path]:
    """``new_folder``, removed when the block ends."""
    folder = new_folder(root)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
