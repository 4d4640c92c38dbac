"""This computer's network links at one moment, as a watch compares them between attempts:
which interfaces are up, which of them are VPN tunnels, which Wi-Fi network each Wi-Fi
interface is on. A change between two attempts (the VPN came up, the laptop roamed to
another access point) often explains a failure that came and went."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class LinkInterface:
    """One network interface (not the loopback)."""

    name: str
    """``wlan0``, ``tun0``."""
    up: bool
    """Up and running (psutil's ``isup``: the RUNNING flag, so a carrier; a tun device
    runs while its VPN client holds it)."""
    kind: str = "other"
    """``wifi``, ``vpn`` or ``other``."""
    vpn: str | None = None
    """For a VPN tunnel, what says so: ``tun/tap``, ``WireGuard``, ``PPP``, ``IPsec``."""


@dataclass(frozen=True, kw_only=True)
class WifiLink:
    """What one Wi-Fi interface is connected to."""

    interface: str
    """``wlan0``."""
    ssid: str | None = None
    """The network's name; None when not connected (or unknown: see ``error``)."""
    bssid: str | None = None
    """The access point's MAC address (lower case); None when not connected."""
    error: str | None = None
    """Why the link could not be read (``iw`` missing, refused); None when it was."""


@dataclass(frozen=True, kw_only=True)
class LinkState:
    """The links at one moment."""

    interfaces: tuple[LinkInterface, ...] = ()
    """Every interface but the loopback, by name."""
    wifi: tuple[WifiLink, ...] = ()
    """Every Wi-Fi interface that is up, by name."""
    error: str | None = None
    """Why the interfaces could not be listed at all; None when they were."""
