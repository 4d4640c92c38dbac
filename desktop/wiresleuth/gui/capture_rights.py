"""Can this program capture its own packets here, and if not, what is lost and how to allow it.

Checked before a run so the window can say so up front, without opening a capture (that is
the engine's job, and the run reports the real outcome). The window never runs as root and
never holds a capability. On Linux packets are captured by the ``wiresleuth-capture`` helper,
which root and members of the ``wiresleuth`` group may start: allowing capture means joining
that group, which only an administrator can do; the route offered runs exactly that one
command through pkexec (a password prompt from the system), and the change takes effect at
the user's next login.
"""

from __future__ import annotations

import glob
import os
import shlex
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from wiresleuth.capture.helper_path import GROUP, OPT_OUT, HelperFacts, helper_facts

GRANT_SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "grant-capture"
"""A source checkout's equivalent of the package's postinst (run as root)."""

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
    """True when this user's runs appear able to capture."""
    reason: str = ""
    """Why not, in words (empty when available)."""
    how: str = ""
    """What to do about it, in words (empty: the platform's general advice applies)."""
    command: tuple[str, ...] = ()
    """The exact command an administrator runs to allow it (empty where there is none)."""
    elevator: str | None = None
    """Path of the tool that can run ``command`` with a password prompt (Linux: pkexec)."""

    @property
    def command_text(self) -> str:
        """The command as a person would type it."""
        return shlex.join(self.command)


def linux_rights(
    facts: HelperFacts,
    euid: int,
    pkexec: str | None,
    *,
    opted_out: bool = False,
    grant_script: Path = GRANT_SCRIPT,
) -> CaptureRights:
    """Rights from the capture helper's facts: root, or a group member with a granted helper.

    The command offered adds this user to the group (installed package) or runs the source
    checkout's ``scripts/grant-capture``; never a capability on the program or interpreter.
    """
    after = " Log out and in again afterwards; WireSleuth itself keeps running as you."
    if facts.path is None:
        return CaptureRights(
            available=False,
            reason="the capture helper (wiresleuth-capture) is not installed",
            how="Reinstall WireSleuth; in a source checkout run scripts/setup, which builds it.",
        )
    if euid == 0:
        return CaptureRights(available=True)
    if opted_out:
        return CaptureRights(
            available=False,
            reason=f"your administrator allows capture for root only ({OPT_OUT})",
        )
    if facts.listed_in_group and not facts.executable:
        return CaptureRights(
            available=False,
            reason=f"you were added to the '{GROUP}' group after this session started",
            how="Log out and in again: group membership takes effect at login.",
        )
    if not facts.executable:
        reason = f"only members of the '{GROUP}' group may capture packets, and you are not one"
    elif not facts.capture_right:
        reason = f"the capture helper {facts.path} holds no capture right"
    else:
        return CaptureRights(available=True)
    if facts.packaged:
        command: tuple[str, ...] = ("pkexec", "gpasswd", "-a", facts.user, GROUP)
        how = (
            f"An administrator can add you to the '{GROUP}' group, which may start WireSleuth's "
            "small capture helper (the only part of WireSleuth that can capture)." + after
        )
        if facts.executable:  # in the group, but the helper lost its capability
            command = ()
            how = (
                "Ask your administrator to run sudo dpkg-reconfigure wiresleuth, which grants "
                "it again."
            )
    else:
        command = ("pkexec", str(grant_script))
        how = (
            "An administrator can run scripts/grant-capture from this source checkout: it "
            f"gives the capture helper its one right, lets the '{GROUP}' group start it and "
            "adds you to that group." + after
        )
    return CaptureRights(
        available=False,
        reason=reason,
        how=how,
        command=command,
        elevator=pkexec if command else None,
    )


def check_capture_rights() -> CaptureRights:
    """The rights of this user on this operating system."""
    if sys.platform.startswith("linux"):
        return linux_rights(
            helper_facts(), os.geteuid(), shutil.which("pkexec"), opted_out=OPT_OUT.exists()
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
