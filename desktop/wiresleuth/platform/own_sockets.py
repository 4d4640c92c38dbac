"""This process's open sockets (Linux): to tell its own connections from other programs'."""

from __future__ import annotations

import contextlib
import os


def own_socket_inodes() -> set[str]:
    """Inodes of this process's sockets (the ``socket:[inode]`` links in ``/proc/self/fd``);
    raises OSError where ``/proc`` cannot be read (not Linux)."""
    inodes: set[str] = set()
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):  # closed since the listing
            target = os.readlink(f"/proc/self/fd/{fd}")
            if target.startswith("socket:["):
                inodes.add(target[len("socket:[") : -1])
    return inodes
