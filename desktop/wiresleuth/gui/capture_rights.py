"""Can this program capture its own packets here, and if not, what is lost and how to allow it.

Checked before a run so the window can say so up front, without opening a capture (that is
the engine's job, and the run reports the real outcome). The window itself never runs as
root: the route offered elevates only the step that grants capture rights.
"""

from __future__ import annotations

import glob
import os
import shlex
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

OPT_OUT = Path("/etc/wiresleuth/no-capture-rights")
"""An administrator's choice (docs/helpdesk-guide.md): capture for root only, no grant offered."""
CAP_NET_RAW = 13
"""Linux capability bit that lets a program open packet sockets (libpcap's ``any`` device)."""

LOST = (
    "Without capture the checks still run and most problems are still found, but the "
    "per-packet evidence is missing: which device sent a reset (TTL), packet marks (DSCP), "
    "retransmissions and lost segments, and the capture.pcapng file the helpdesk can open "
    "in Wireshark."
)
"""What a run without capture loses, in plain words."""


@dataclass(frozen=True, kw_only=True)
class CaptureRights:
    """Whether capture looks possible, and the platform's route when it is not."""

    available: bool
    """True when the program appears to hold the right to capture."""
    reason: str = ""
    """Why not, in words (empty when available)."""
    command: tuple[str, ...] = ()
    """The exact command that grants the right (empty where there is no such command)."""
    elevator: str | None = None
    """Path of the tool that can run ``command`` with a password prompt (Linux: pkexec)."""

    @property
    def command_text(self) -> str:
        """The command as a person would type it."""
        return shlex.join(self.command)


def _linux_capabilities(status: str) -> int:
    for line in status.splitlines():
        if line.startswith("CapEff:"):
            return int(line.split()[1], 16)
    return 0


def linux_rights(
    status: str, euid: int, executable: Path, pkexec: str | None, *, opted_out: bool = False
) -> CaptureRights:
    """Rights from ``/proc/self/status`` text: root or CAP_NET_RAW in the effective set.

    The route is the one the Linux package takes at install time (``setcap cap_net_raw=ep``
    on the program; CAP_NET_RAW alone suffices), unless the administrator opted out of it.
    """
    if euid == 0 or _linux_capabilities(status) >> CAP_NET_RAW & 1:
        return CaptureRights(available=True)
    reason = "this program does not hold the CAP_NET_RAW capability that packet capture needs"
    if opted_out:
        return CaptureRights(
            available=False,
            reason=f"{reason}: your administrator allows capture for root only ({OPT_OUT})",
        )
    command = ("pkexec", "setcap", "cap_net_raw=ep", str(executable))
    return CaptureRights(available=False, reason=reason, command=command, elevator=pkexec)


def check_capture_rights() -> CaptureRights:
    """The rights of this process on this operating system."""
    if sys.platform.startswith("linux"):
        try:
            status = Path("/proc/self/status").read_text(encoding="ascii", errors="replace")
        except OSError:
            status = ""
        return linux_rights(
            status,
            os.geteuid(),
            Path(sys.executable).resolve(),
            shutil.which("pkexec"),
            opted_out=OPT_OUT.exists(),
        )
    if sys.platform.startswith("win"):
        root = Path(os.environ.get("SYSTEMROOT", r"C:\Windows"))
        if (root / "System32" / "Npcap" / "wpcap.dll").exists():
            return CaptureRights(available=True)
        return CaptureRights(available=False, reason="the Npcap capture driver is not installed")
    if sys.platform == "darwin":
        devices = glob.glob("/dev/bpf*")
        if any(os.access(d, os.R_OK | os.W_OK) for d in devices):
            return CaptureRights(available=True)
        return CaptureRights(
            available=False, reason="this user may not read the /dev/bpf* capture devices"
        )
    return CaptureRights(available=False, reason=f"capture is not supported on {sys.platform}")


def how_to_allow() -> str:
    """The platform's route in words (the same text a run without capture records)."""
    from wiresleuth.capture.session import how_to_enable

    return how_to_enable()
