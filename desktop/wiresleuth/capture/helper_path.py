"""Where the Linux capture helper is, and what this user may do with it (no capture here).

The helper (``desktop/capture-helper``) is the only program that holds the right to capture;
it may be started by root and by members of the ``wiresleuth`` group. These facts are read
without starting it, so the window can say up front whether capture will work and why not.
"""

from __future__ import annotations

import os
import struct
import sys
from dataclasses import dataclass
from pathlib import Path

HELPER_NAME = "wiresleuth-capture"
HELPER_ENV = "WIRESLEUTH_CAPTURE_HELPER"
"""Names the helper to use (tests, unusual installs). Harmless: the program holds no rights,
so pointing it at another program gains nothing that running that program directly would not."""
INSTALLED_HELPER = Path("/usr/lib/wiresleuth") / HELPER_NAME
"""Where the Debian package installs it."""
GROUP = "wiresleuth"
"""Members may start the helper (the package and ``scripts/grant-capture`` create it)."""
OPT_OUT = Path("/etc/wiresleuth/no-capture-rights")
"""An administrator's choice (docs/helpdesk-guide.md): the helper gets no capture right."""
CAP_NET_RAW = 13
"""Linux capability number of the right to open packet sockets."""


def candidates() -> list[Path]:
    """Where the helper is looked for, in order (the first that exists is used)."""
    named = os.environ.get(HELPER_ENV)
    if named:
        return [Path(named)]
    found: list[Path] = []
    if getattr(sys, "frozen", False):
        found.append(Path(sys.executable).resolve().parent / HELPER_NAME)
    found.append(INSTALLED_HELPER)
    found.append(Path(sys.prefix) / "libexec" / HELPER_NAME)  # built by scripts/setup
    return found


def find_helper() -> Path | None:
    """The helper this program will start, None when none is installed."""
    for path in candidates():
        if path.is_file():
            return path
    return None


def is_packaged(helper: Path) -> bool:
    """Whether the helper came with an installed package (else: a source checkout's build)."""
    resolved = helper.resolve()
    if resolved == INSTALLED_HELPER:
        return True
    return bool(getattr(sys, "frozen", False)) and resolved.parent == Path(
        sys.executable
    ).resolve().parent


def file_capabilities(path: Path) -> int:
    """Permitted capability bits stored on a file (``security.capability``), 0 when none."""
    try:
        raw = os.getxattr(path, "security.capability")
    except OSError:
        return 0
    if len(raw) < 12:
        return 0
    _magic, permitted_low, _inheritable_low = struct.unpack_from("<III", raw)
    permitted_high = struct.unpack_from("<I", raw, 12)[0] if len(raw) >= 20 else 0
    return int(permitted_low | permitted_high << 32)


@dataclass(frozen=True, kw_only=True)
class HelperFacts:
    """What decides whether this user's runs can capture on Linux."""

    path: Path | None
    """The helper found, None when none is installed."""
    packaged: bool = False
    """Installed by the package (else built in a source checkout)."""
    executable: bool = False
    """This process may execute it (root, or a member of its group in this session)."""
    capture_right: bool = False
    """The file holds cap_net_raw (root needs none)."""
    group_exists: bool = False
    """The ``wiresleuth`` group exists."""
    listed_in_group: bool = False
    """This user is a member per the group database (maybe not yet in this session)."""
    user: str = ""
    """This user's login name (for the command that adds them to the group)."""


def _user_name(uid: int) -> str:
    import pwd  # POSIX only: this module is imported on Windows too

    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def helper_facts(path: Path | None = None) -> HelperFacts:
    """The facts for this process (the helper found by ``find_helper`` unless given)."""
    import grp  # POSIX only

    helper = path if path is not None else find_helper()
    user = _user_name(os.getuid())
    try:
        members = grp.getgrnam(GROUP).gr_mem
        group_exists = True
    except KeyError:
        members, group_exists = [], False
    if helper is None:
        return HelperFacts(path=None, group_exists=group_exists, user=user)
    return HelperFacts(
        path=helper,
        packaged=is_packaged(helper),
        executable=os.access(helper, os.X_OK),
        capture_right=bool(file_capabilities(helper) >> CAP_NET_RAW & 1),
        group_exists=group_exists,
        listed_in_group=user in members,
        user=user,
    )
