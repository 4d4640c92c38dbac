"""The sockets this process holds, to check that a probe closed its own: counting every
descriptor also counted the files another test's leftover thread opened or closed meanwhile
(a background import)."""

from __future__ import annotations

import contextlib
import os


def open_sockets() -> set[str]:
    """The process's open sockets (``socket:[inode]``)."""
    found: set[str] = set()
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):  # closed since the listing
            target = os.readlink(f"/proc/self/fd/{fd}")
            if target.startswith("socket:"):
                found.add(target)
    return found
