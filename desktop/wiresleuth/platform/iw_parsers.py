"""Pure parser of ``iw dev <interface> link``: the Wi-Fi network and access point an
interface is connected to. No I/O here.

Written by hand: no maintained Python library reads nl80211 link state without root or
NetworkManager (pyroute2's nl80211 support does not report the current BSS's SSID), and
``iw`` is the tool every distribution ships. Its output (iw's ``link.c``) is one line
``Connected to <bssid> (on <interface>)`` (or ``Joined IBSS <bssid> ...`` for an ad-hoc
network) followed by tab-indented ``key: value`` lines, ``SSID`` among them;
``Authenticated with <bssid> ...`` while it is still joining (not connected yet); or
``Not connected.``. iw prints an SSID's unprintable bytes as ``\\xNN`` escapes; they are
kept as printed.
"""

from __future__ import annotations

import re

from wiresleuth.platform.unavailable import FactUnavailable

_CONNECTED = re.compile(r"^(?:Connected to|Joined IBSS) ([0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5})\b")


def parse_iw_link(text: str) -> tuple[str | None, str | None]:
    """(SSID, BSSID) of the link; (None, None) when not connected. FactUnavailable when
    the text is neither."""
    lines = text.strip().splitlines()
    if not lines:
        raise FactUnavailable("iw link: empty output")
    first = lines[0].strip()
    if first.startswith(("Not connected", "Authenticated with")):
        return None, None
    match = _CONNECTED.match(first)
    if match is None:
        raise FactUnavailable(f"iw link: unexpected first line {first[:80]!r}")
    ssid: str | None = None
    for line in lines[1:]:
        key, sep, value = line.strip().partition(":")
        if sep and key == "SSID":
            ssid = value.strip() or None
            break
    return ssid, match.group(1).lower()
