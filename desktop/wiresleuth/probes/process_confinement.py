"""Confine the current process: no capabilities, no way to gain any, small resource limits.

Used by the PAC evaluator child, which runs a script from the network. On Linux it gives up
every capability (effective, permitted, inheritable, ambient and the bounding set, so that
no later ``execve`` of a file with capabilities can hand one back) and sets
``PR_SET_NO_NEW_PRIVS``. Elsewhere only the POSIX resource limits apply (macOS has no
capabilities; on Windows the parent's RSS watch and kill are the limits).

Written with ctypes because it is four libc calls (``prctl`` and ``capset``); the Python
bindings that wrap them (python-prctl, libcap's) are C extensions we need for nothing else.
"""

from __future__ import annotations

import ctypes
import errno
import os
import sys

PR_CAPBSET_DROP = 24
PR_SET_NO_NEW_PRIVS = 38
PR_CAP_AMBIENT = 47
PR_CAP_AMBIENT_CLEAR_ALL = 4
_LINUX_CAPABILITY_VERSION_3 = 0x20080522
OPEN_FILES = 32
"""RLIMIT_NOFILE of a confined process: its pipes, a DNS socket, the resolver's files."""


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    ]


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _last_capability() -> int:
    try:
        with open("/proc/sys/kernel/cap_last_cap", encoding="ascii") as handle:
            return int(handle.read().strip())
    except (OSError, ValueError):
        return 63


def drop_privileges() -> list[str]:
    """Give up every capability for good; the notes say what the kernel refused.

    The bounding set can only be emptied while CAP_SETPCAP is effective (as root); a process
    started with a file capability lacks it, but ``no_new_privs`` then keeps any ``execve``
    from gaining one, and the capset below empties what it holds.
    """
    if not sys.platform.startswith("linux"):
        return []
    libc = _libc()
    prctl = libc.prctl
    prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    prctl.restype = ctypes.c_int
    notes: list[str] = []
    if prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        notes.append(f"no_new_privs: {os.strerror(ctypes.get_errno())}")
    for capability in range(_last_capability() + 1):
        if prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            code = ctypes.get_errno()
            if code == errno.EINVAL:  # beyond what this kernel knows
                break
            notes.append(f"bounding set: {os.strerror(code)}")
            break
    if prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0:
        code = ctypes.get_errno()
        if code != errno.EINVAL:  # kernels before 4.3 have no ambient set
            notes.append(f"ambient set: {os.strerror(code)}")
    header = _CapHeader(_LINUX_CAPABILITY_VERSION_3, 0)
    data = (_CapData * 2)()
    capset = libc.capset
    capset.argtypes = [ctypes.POINTER(_CapHeader), ctypes.POINTER(_CapData)]
    capset.restype = ctypes.c_int
    if capset(ctypes.byref(header), data) != 0:
        notes.append(f"capset: {os.strerror(ctypes.get_errno())}")
    return notes


def limit_resources(*, memory_mb: int, cpu_seconds: float) -> list[str]:
    """Address space grown by at most ``memory_mb``, ``cpu_seconds`` more of CPU, no files
    written, no core dump, few descriptors, no new process or thread (POSIX); the notes say
    which limit the OS refused.

    The address-space cap is relative to what is mapped now: a forked child starts with
    its parent's mappings, so an absolute cap could lie below what already exists. Hard
    limits are lowered too, so the script's process cannot raise them back.
    """
    try:
        import resource
    except ImportError:  # Windows: the parent watches the RSS instead
        return []
    import psutil

    notes: list[str] = []

    def cap(name: str, kind: int, value: int, hard_extra: int = 0) -> None:
        _soft, hard = resource.getrlimit(kind)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
            hard_extra = min(hard_extra, hard - value)
        try:
            resource.setrlimit(kind, (value, value + hard_extra))
        except (OSError, ValueError) as exc:
            notes.append(f"{name}: {exc}")

    cap("RLIMIT_AS", resource.RLIMIT_AS, psutil.Process().memory_info().vms + memory_mb * 2**20)
    cap("RLIMIT_FSIZE", resource.RLIMIT_FSIZE, 0)
    cap("RLIMIT_CORE", resource.RLIMIT_CORE, 0)
    cap("RLIMIT_NOFILE", resource.RLIMIT_NOFILE, max(OPEN_FILES, _highest_descriptor() + 1))
    usage = resource.getrusage(resource.RUSAGE_SELF)
    # SIGXCPU at the soft limit, SIGKILL a second later
    cap(
        "RLIMIT_CPU", resource.RLIMIT_CPU, int(usage.ru_utime + usage.ru_stime + cpu_seconds) + 1, 1
    )
    if sys.platform.startswith("linux"):
        # Counted per user: 0 refuses every fork and thread of this process (root is exempt).
        cap("RLIMIT_NPROC", resource.RLIMIT_NPROC, 0)
    return notes


def _highest_descriptor() -> int:
    try:
        return max(int(name) for name in os.listdir("/proc/self/fd"))
    except (OSError, ValueError):
        return 2
