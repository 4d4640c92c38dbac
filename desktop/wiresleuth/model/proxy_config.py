"""Where a computer's proxy configuration comes from: one record per source, and the winner.

Browsers do not read one place: Windows has per-user WinINet settings and a separate WinHTTP
setting for services, macOS has SystemConfiguration, Linux desktops have GNOME or KDE settings
and the environment. A report must say what each source says and which one is in force.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, kw_only=True)
class ProxySource:
    """What one configuration source says, read as the OS stores it."""

    name: str
    """``wininet``, ``winhttp``, ``macos``, ``gnome``, ``kde``, ``environment`` or ``profile``."""
    origin: str
    """Where it was read (a command line, a file, a registry key)."""
    available: bool = True
    """False when the source could not be read at all (``error`` says why)."""
    error: str | None = None
    """Why the source could not be read."""
    auto_detect: bool = False
    """Automatic discovery (WPAD) is switched on."""
    pac_url: str | None = None
    """The PAC (auto-config) URL in force, if any."""
    proxies: Mapping[str, str] = field(default_factory=dict)
    """Fixed proxies in force, by scheme (``http``, ``https``, ``socks``, ``all``): ``host:port``."""
    bypass: tuple[str, ...] = ()
    """Hosts or patterns that go direct, verbatim."""
    raw: Mapping[str, str] = field(default_factory=dict)
    """The source's own values as read (credentials removed), for the engineer."""
    policy: str | None = None
    """Set when an administrator's policy put these settings in force, in words (Windows
    ``ProxySettingsPerUser = 0``: machine-wide WinINet settings replace the user's)."""

    @property
    def configured(self) -> bool:
        """Whether the source asks for anything but direct connections."""
        return self.auto_detect or bool(self.pac_url) or bool(self.proxies)

    @property
    def mode(self) -> str:
        """``auto_detect``, ``pac``, ``manual`` or ``direct``: what this source asks for.

        When several are set, the order is the browsers' (Chromium's ProxyConfig): automatic
        detection first, then the PAC URL, then fixed proxies.
        """
        if self.auto_detect:
            return "auto_detect"
        if self.pac_url:
            return "pac"
        if self.proxies:
            return "manual"
        return "direct"


@dataclass(frozen=True, kw_only=True)
class ProxyConfiguration:
    """Every source read on this computer, and the one a browser follows."""

    sources: tuple[ProxySource, ...]
    """Each source read, in the order they were consulted."""
    winner: str | None
    """Name of the source in force for browsers; None when none applies (direct)."""
    mode: str
    """What the winner asks for: ``auto_detect``, ``pac``, ``manual`` or ``direct``."""
    reason: str
    """Why that source won, in one sentence."""
    desktop: str | None = None
    """Linux only: the desktop that decides which settings browsers read (gnome, kde, other)."""

    def source(self, name: str) -> ProxySource | None:
        """The source called ``name``, if it was read."""
        return next((s for s in self.sources if s.name == name), None)

    @property
    def winning(self) -> ProxySource | None:
        """The source in force, if any."""
        return self.source(self.winner) if self.winner else None
