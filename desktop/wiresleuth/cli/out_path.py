"""Where a command will write its bundle, checked before any work starts.

A run takes minutes; finding out at its end that ``--out`` names a folder, a missing folder,
or one that cannot be written loses the run. So the destination is checked first, the only
sure way: a temporary file is created beside it and removed again.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path

from wiresleuth.errors import BadInput


def _why(exc: OSError, folder: Path) -> str:
    code = exc.errno
    if code == errno.EROFS:
        return f"folder {folder} is on a read-only file system"
    if code in (errno.EACCES, errno.EPERM):
        return f"you may not write in folder {folder}"
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return f"the disk of folder {folder} is full"
    if code == errno.ENOENT:
        if folder.is_dir():  # /proc and its kind: a folder where no file can be made
            return f"files cannot be created in folder {folder}"
        return f"folder {folder} does not exist"
    if code == errno.ENAMETOOLONG:
        return "the file name is too long"
    if code == errno.ENOTDIR:
        return f"{folder} is not a folder"
    return f"folder {folder}: {exc.strerror or exc}"


def _stat(path: Path, out: Path, folder: Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:  # a name too long, a file where a folder should be…
        raise BadInput(f"cannot write {out}: {_why(exc, folder)}") from exc


def check_out_path(out: Path) -> Path:
    """``out`` made absolute, once it is sure a file can be written there; BadInput otherwise."""
    out = Path(out).absolute()
    folder = out.parent
    existing = _stat(out, out, folder)
    if existing is not None and stat.S_ISDIR(existing.st_mode):
        raise BadInput(
            f"cannot write {out}: it is a folder; give a file name, e.g. {out / 'case.wsbundle'}"
        )
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        raise BadInput(f"cannot write {out}: something other than a file is in the way")
    parent = _stat(folder, out, folder)
    if parent is None:
        raise BadInput(f"cannot write {out}: folder {folder} does not exist")
    if not stat.S_ISDIR(parent.st_mode):
        raise BadInput(f"cannot write {out}: {folder} is not a folder")
    try:
        # Named as bundle.writer names its temporary file: a name too long fails here too.
        fd, probe = tempfile.mkstemp(dir=folder, prefix=f".{out.name}.", suffix=".part")
    except OSError as exc:
        raise BadInput(f"cannot write {out}: {_why(exc, folder)}") from exc
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(probe)
    return out
