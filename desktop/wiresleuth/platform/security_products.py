"""Collect the security products this computer reports (bounded, never raises)."""

from __future__ import annotations

import sys

import psutil

from wiresleuth.platform.commands import run_command
from wiresleuth.platform.net_namespace import same_network_namespace
from wiresleuth.platform.security_parsers import (
    SecurityProduct,
    match_linux_agents,
    parse_security_center,
    parse_system_extensions,
)
from wiresleuth.platform.unavailable import FactUnavailable

_TIMEOUT = 8.0
"""PowerShell's first start is slow; the inventory runs beside the probes."""
_POWERSHELL = [
    "powershell", "-NoProfile", "-NonInteractive", "-Command",
    "Get-CimInstance -Namespace root/SecurityCenter2 -ClassName AntiVirusProduct | Format-List",
]  # fmt: skip

__all__ = ["SecurityProduct", "collect_security_products", "match_linux_agents"]


def _process_names() -> list[str]:
    """Names of the processes that share this program's network namespace.

    An agent in another namespace (a container, another lab run on this machine) never
    touches this program's traffic, so it is no finding here. One whose namespace cannot be
    told (it has just exited, /proc hides it) is kept: better named than missed.
    """
    names: list[str] = []
    for proc in psutil.process_iter(["name"]):
        name = proc.info.get("name")
        if isinstance(name, str) and same_network_namespace(proc.pid) is not False:
            names.append(name)
    return names


def collect_security_products() -> tuple[list[SecurityProduct], str | None]:
    """(products, why the inventory is incomplete or None)."""
    try:
        if sys.platform.startswith("win"):
            return parse_security_center(run_command(_POWERSHELL, timeout=_TIMEOUT)), None
        if sys.platform == "darwin":
            text = run_command(["systemextensionsctl", "list"], timeout=_TIMEOUT)
            return parse_system_extensions(text) + match_linux_agents(_process_names()), None
        return match_linux_agents(_process_names()), None
    except FactUnavailable as exc:
        return [], str(exc)
    except (OSError, psutil.Error) as exc:
        return [], f"process list unavailable: {exc}"
