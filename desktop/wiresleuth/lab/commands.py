"""Run host tools (ip, iptables, ethtool, sysctl) with a deadline; failures become LabError."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence

from wiresleuth.errors import LabError

DEFAULT_TIMEOUT = 15.0
"""Seconds any one tool may take; ip and iptables answer in milliseconds."""

REQUIRED_TOOLS = ("ip", "iptables-nft", "ethtool", "sysctl", "setpriv", "squid", "dnsmasq")
"""Host programs the lab cannot be built without (Debian packages in scripts/apt-packages.txt)."""

_SEARCH_PATH = os.pathsep.join(
    [os.environ.get("PATH", ""), "/usr/local/sbin", "/usr/sbin", "/sbin", "/usr/bin", "/bin"]
)


def which(tool: str) -> str | None:
    """Full path of a host program, also looking in the sbin directories sudo may drop."""
    return shutil.which(tool, path=_SEARCH_PATH)


def run(
    argv: Sequence[str], *, timeout: float = DEFAULT_TIMEOUT, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run one command to completion; raise LabError with its stderr when it fails."""
    full = which(argv[0]) or argv[0]
    try:
        done = subprocess.run(
            [full, *argv[1:]], capture_output=True, text=True, timeout=timeout, check=False
        )
    except FileNotFoundError as exc:
        raise LabError(f"{argv[0]}: not installed (see scripts/apt-packages.txt)") from exc
    except subprocess.TimeoutExpired as exc:
        raise LabError(f"{' '.join(argv)}: no answer within {timeout:.0f} s") from exc
    if check and done.returncode != 0:
        detail = (done.stderr or done.stdout).strip()
        raise LabError(f"{' '.join(argv)}: exit {done.returncode}: {detail}")
    return done


def in_ns(ns: str, argv: Sequence[str]) -> list[str]:
    """The command line that runs ``argv`` inside network namespace ``ns``."""
    return ["ip", "netns", "exec", ns, which(argv[0]) or argv[0], *argv[1:]]


def run_in(
    ns: str, argv: Sequence[str], *, timeout: float = DEFAULT_TIMEOUT, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run one command inside a namespace (see ``run``)."""
    return run(in_ns(ns, argv), timeout=timeout, check=check)


def iptables(ns: str, *args: str) -> None:
    """Add or change one rule in a namespace, always with the nft flavour (never legacy)."""
    run_in(ns, ["iptables-nft", "-w", "5", *args])


def missing_tools() -> list[str]:
    """The required host programs that are not on PATH."""
    return [tool for tool in REQUIRED_TOOLS if which(tool) is None]
