"""Pick the adapter for the running OS; every adapter offers the same three facts."""

from __future__ import annotations

import sys
from typing import Protocol

from wiresleuth.platform.facts import DnsConfig, Neighbour, Route
from wiresleuth.platform.unavailable import FactUnavailable


class OsAdapter(Protocol):
    """What linux.py, windows.py and macos.py each provide (modules satisfy it)."""

    def routes(self) -> list[Route]:
        """The IPv4 routing table."""
        ...

    def neighbours(self) -> list[Neighbour]:
        """The ARP cache."""
        ...

    def dns(self) -> tuple[DnsConfig, list[str]]:
        """Resolvers, and why any secondary source could not be read."""
        ...


def current(platform: str | None = None) -> OsAdapter:
    """The adapter for ``platform`` (default: this machine); FactUnavailable if unsupported."""
    platform = sys.platform if platform is None else platform
    if platform.startswith("linux"):
        from wiresleuth.platform import linux

        return linux
    if platform == "win32":
        from wiresleuth.platform import windows

        return windows
    if platform == "darwin":
        from wiresleuth.platform import macos

        return macos
    raise FactUnavailable(f"no platform adapter for {platform!r}")
