"""The program never runs with rights its user does not have: it refuses to start if it does.

Capture rights belong to the small ``wiresleuth-capture`` helper alone (Linux); the program
holds no capability (the package's postinst removes any an older version gave it). A
program started with a file capability, setuid or setgid would run in secure-execution mode
(AT_SECURE) and would still run code its user chooses: PyInstaller's multiprocessing hook
executes what follows ``-c`` when ``freeze_support()`` is called, Qt loads plugins from
``QT_PLUGIN_PATH``. So the entry point checks first and refuses, naming the remedy, before
any of that code is reached. Not on Windows or macOS: there the operating system's capture
gate (Npcap, ``/dev/bpf*``) needs no elevated process.
"""

from __future__ import annotations

import ctypes
import sys

AT_SECURE = 23
"""getauxval() key: non-zero when the kernel started this process with elevated rights."""


def is_elevated() -> bool:
    """Whether the kernel marked this process secure-exec (setuid, setgid or file capabilities)."""
    if not sys.platform.startswith("linux"):
        return False
    getauxval = ctypes.CDLL(None).getauxval
    getauxval.restype = ctypes.c_ulong
    getauxval.argtypes = [ctypes.c_ulong]
    return bool(getauxval(AT_SECURE))


def refusal(program: str) -> str | None:
    """Why this process must not go on (it holds rights its user does not), else None."""
    if not is_elevated():
        return None
    return (
        f"wiresleuth: {program} was started with elevated rights (a file capability, setuid "
        "or setgid), which it must never hold: packet capture goes through its capture "
        f"helper. An administrator can remove them: sudo setcap -r {program} (and "
        f"sudo chmod u-s,g-s {program})"
    )
