"""Whether another process shares this program's network namespace (Linux).

A process in another network namespace (a container, another lab run on the same machine)
cannot see, hold or reset this program's traffic, so what it runs is no evidence about the
computer being diagnosed. No library answers this (psutil does not read namespaces): the
kernel's own identity is compared, as namespaces(7) defines it: two processes are in the
same namespace when the device and inode of their ``/proc/PID/ns/net`` are the same.

Reading another user's ``ns/net`` needs ptrace rights, which a user running the program
lacks for a root agent. Then the namespace's own ``/proc/PID/net`` entries, readable by
anyone, are compared instead: each network namespace has its own proc entries, so the
device and inode of ``/proc/PID/net/dev`` are the same exactly when the namespace is.
"""

from __future__ import annotations

import os
import sys

_PROBES = ("ns/net", "net/dev")
"""What is compared, first to last: the namespace file, then the namespace's proc entry."""


def _identity(pid: int | str, probe: str) -> tuple[int, int]:
    found = os.stat(f"/proc/{pid}/{probe}")
    return found.st_dev, found.st_ino


def same_network_namespace(pid: int) -> bool | None:
    """True or False; None when it cannot be told (the process has gone, /proc is hidden,
    not Linux). Outside Linux there are no network namespaces: always True."""
    if not sys.platform.startswith("linux"):
        return True
    for probe in _PROBES:
        try:
            return _identity(pid, probe) == _identity("self", probe)
        except PermissionError:
            continue
        except OSError:
            return None
    return None
