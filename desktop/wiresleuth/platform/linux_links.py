"""This computer's links on Linux, for a watch: interfaces up and running (psutil), which are VPN tunnels
or Wi-Fi (sysfs), and each Wi-Fi interface's network and access point (``iw``).

What marks a VPN tunnel in ``/sys/class/net/<name>``: ``tun_flags`` (a tun/tap device:
OpenVPN, OpenConnect, WireGuard-go, most VPN clients), ``DEVTYPE=wireguard`` in ``uevent``
(the kernel's WireGuard), ``type`` 512 (PPP: L2TP and PPTP clients), ``DEVTYPE=xfrm`` or
``vti`` (IPsec interfaces). Wi-Fi: a ``phy80211`` link or a ``wireless`` directory, or
``DEVTYPE=wlan``. Other systems: ``read_links`` returns None (their adapters expose no
such state yet).
"""

from __future__ import annotations

import platform
import shutil
from pathlib import Path

import psutil

from wiresleuth.model.link_state import LinkInterface, LinkState, WifiLink
from wiresleuth.platform.commands import run_command
from wiresleuth.platform.iw_parsers import parse_iw_link
from wiresleuth.platform.unavailable import FactUnavailable

SYS_CLASS_NET = Path("/sys/class/net")
IW_TIMEOUT = 3.0
"""Seconds ``iw`` may take for one interface."""
_ARPHRD_PPP = 512
_IPSEC_DEVTYPES = {"xfrm": "IPsec", "vti": "IPsec", "vti6": "IPsec"}


def read_links(sys_class_net: Path = SYS_CLASS_NET) -> LinkState | None:
    """The links now; None off Linux. Never raises: what cannot be read is said in
    ``error`` fields."""
    if platform.system() != "Linux":
        return None
    try:
        stats = psutil.net_if_stats()
    except OSError as exc:
        return LinkState(error=f"interfaces cannot be listed: {exc}")
    interfaces = tuple(
        _interface(name, stat.isup, sys_class_net / name)
        for name, stat in sorted(stats.items())
        if name != "lo"
    )
    wifi = tuple(_wifi(i.name) for i in interfaces if i.kind == "wifi" and i.up)
    return LinkState(interfaces=interfaces, wifi=wifi)


def _interface(name: str, up: bool, sysfs: Path) -> LinkInterface:
    devtype = _devtype(sysfs)
    vpn: str | None = None
    if (sysfs / "tun_flags").exists():
        vpn = "tun/tap"
    elif devtype == "wireguard":
        vpn = "WireGuard"
    elif devtype in _IPSEC_DEVTYPES:
        vpn = _IPSEC_DEVTYPES[devtype]
    elif _read_int(sysfs / "type") == _ARPHRD_PPP:
        vpn = "PPP"
    if vpn is not None:
        return LinkInterface(name=name, up=up, kind="vpn", vpn=vpn)
    wifi = devtype == "wlan" or (sysfs / "phy80211").exists() or (sysfs / "wireless").exists()
    return LinkInterface(name=name, up=up, kind="wifi" if wifi else "other")


def _devtype(sysfs: Path) -> str | None:
    try:
        text = (sysfs / "uevent").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    for line in text.splitlines():
        key, _, value = line.partition("=")
        if key == "DEVTYPE":
            return value.strip()
    return None


def _read_int(path: Path) -> int | None:
    try:
        return int(path.read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        return None


def _wifi(name: str) -> WifiLink:
    if shutil.which("iw") is None:
        return WifiLink(interface=name, error="its network cannot be read: iw is not installed")
    try:
        ssid, bssid = parse_iw_link(run_command(["iw", "dev", name, "link"], timeout=IW_TIMEOUT))
    except FactUnavailable as exc:
        return WifiLink(interface=name, error=f"its network cannot be read: {exc}")
    return WifiLink(interface=name, ssid=ssid, bssid=bssid)
