"""Private scratch folders (the run's capture before it is saved) that never outlive the program.

A scratch folder holds an unredacted-until-saved capture of the user's traffic, so it must
go away on every path: the front end discards it once the bundle is written; whatever this
process still holds is removed when it exits (atexit, also after a failed or cancelled run);
and a folder left by a process that was killed is removed by the next run of the program.
Each folder records its owner (pid and process start time, so a reused pid is not taken for
the owner) in ``OWNER_FILE``; a folder is swept only when it belongs to this user, is older
than ``STALE_AFTER`` and its owner is gone. Folders are 0700, files in them 0600.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

import psutil

log = logging.getLogger(__name__)

RUN_PREFIX = "wiresleuth-run-"
"""Prefix of a run's scratch folder."""
ANALYZE_PREFIX = "wiresleuth-analyze-"
"""Prefix of ``wiresleuth analyze --out``'s scratch folder."""
SWEPT_PREFIXES = (RUN_PREFIX, ANALYZE_PREFIX)
"""Folders in the temp folder that the start-up sweep looks at."""
OWNER_FILE = ".owner"
"""``PID START_TIME`` of the process that made the folder."""
STALE_AFTER = 900.0
"""Seconds a folder must be old before the sweep considers it: a folder whose owner runs in
another pid namespace (a sandboxed copy sharing /tmp) looks ownerless, so only old ones go."""


class ScratchClosed(RuntimeError):
    """The process is ending (or quitting at once): no new scratch folder may be made."""


class _Registry:
    """The folders this process made and still holds."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.folders: set[Path] = set()
        self.closed = False
        self.pid = os.getpid()
        self.hooked = False
        self.swept = False


_registry = _Registry()


def _start_time(pid: int) -> float | None:
    try:
        return psutil.Process(pid).create_time()
    except (psutil.Error, OSError):
        return None


def new_folder(prefix: str = RUN_PREFIX, *, base: Path | None = None) -> Path:
    """A new private folder in the temp folder (or ``base``), owned by this process."""
    with _registry.lock:
        if _registry.closed:
            raise ScratchClosed("the program is ending; no scratch folder is made")
        if not _registry.hooked:
            atexit.register(remove_all)
            _registry.hooked = True
        folder = Path(tempfile.mkdtemp(prefix=prefix, dir=base))
        _registry.folders.add(folder)
    started = _start_time(os.getpid())
    owner = f"{os.getpid()} {started if started is not None else 0:.3f}\n"
    fd = os.open(folder / OWNER_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as stream:
        stream.write(owner)
    return folder


def private_file(path: Path) -> Path:
    """Create ``path`` empty with mode 0600 (a writer that truncates it keeps that mode)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)  # an existing file keeps its old mode through O_CREAT
    return path


def _remove(folder: Path) -> None:
    # A writer in another thread may add a file between rmtree's listing and its rmdir.
    for _ in range(3):
        shutil.rmtree(folder, ignore_errors=True)
        if not folder.exists():
            return
        time.sleep(0.01)
    log.warning("could not remove scratch folder %s", folder)


def discard(folder: Path) -> None:
    """Remove one scratch folder of this process (nothing happens for any other folder)."""
    with _registry.lock:
        if folder not in _registry.folders:
            return
        _registry.folders.discard(folder)
    _remove(folder)


def discard_for(path: Path | None) -> None:
    """Remove the scratch folder that holds ``path`` (a run's capture file), if it is ours."""
    if path is not None:
        discard(path.parent)


def remove_all(*, close: bool = True) -> None:
    """Remove every scratch folder this process holds; with ``close`` none can be made after.

    Registered with atexit; the CLI also calls it when the user quits without saving.
    """
    with _registry.lock:
        if os.getpid() != _registry.pid:  # a forked child must not remove its parent's folders
            return
        folders = list(_registry.folders)
        _registry.folders.clear()
        _registry.closed = _registry.closed or close
    for folder in folders:
        _remove(folder)


def _owner_alive(folder: Path) -> bool:
    try:
        text = (folder / OWNER_FILE).read_text(encoding="ascii")
        pid_text, started_text = text.split()
        pid, started = int(pid_text), float(started_text)
    except (OSError, ValueError, UnicodeDecodeError):
        return False  # an older version's folder, or one whose record is damaged
    if pid == os.getpid():
        return True
    actual = _start_time(pid)
    if actual is None:
        return False
    return started == 0 or abs(actual - started) < 1.0


def sweep_stale(base: Path | None = None, *, now: float | None = None) -> list[Path]:
    """Remove scratch folders of this user, older than ``STALE_AFTER``, whose owner is gone."""
    base = Path(base or tempfile.gettempdir())
    now = time.time() if now is None else now
    uid = getattr(os, "getuid", lambda: None)()
    removed: list[Path] = []
    try:
        entries = list(os.scandir(base))
    except OSError:
        return removed
    for entry in entries:
        if not entry.name.startswith(SWEPT_PREFIXES):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not entry.is_dir(follow_symlinks=False):
            continue
        if uid is not None and info.st_uid != uid:
            continue
        if now - info.st_mtime < STALE_AFTER:
            continue
        folder = Path(entry.path)
        if folder in _registry.folders or _owner_alive(folder):
            continue
        _remove(folder)
        if not folder.exists():
            log.info("removed stale scratch folder %s", folder)
            removed.append(folder)
    return removed


def sweep_once() -> None:
    """``sweep_stale`` the first time a process calls it (each run start calls it)."""
    with _registry.lock:
        if _registry.swept:
            return
        _registry.swept = True
    with contextlib.suppress(OSError):
        sweep_stale()
