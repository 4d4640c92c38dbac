"""MAC address normalisation and vendor lookup through netaddr's bundled IEEE registry."""

from __future__ import annotations

import netaddr


def normalize_mac(mac: str) -> str | None:
    """Return ``aa:bb:cc:dd:ee:ff`` for any common spelling of a 48-bit MAC, None otherwise.

    Accepts ``aa-bb-..`` (Windows), ``aabb.ccdd.eeff`` (Cisco), ``1:0:5e:0:0:fb`` (BSD, no
    zero padding) and bare hex; an all-zero or 64-bit address (tunnel adapters) is None.
    """
    try:
        eui = netaddr.EUI(mac.strip(), version=48, dialect=netaddr.mac_unix_expanded)
    except (netaddr.AddrFormatError, TypeError, ValueError):
        return None
    if int(eui) == 0:
        return None
    return str(eui)


def is_locally_administered(mac: str) -> bool:
    """True when the U/L bit is set: the address was made up by software, not by a maker."""
    return bool(int(mac[:2], 16) & 0x02)


def mac_vendor(mac: str) -> str | None:
    """The organisation registered for the MAC's OUI, e.g. ``F5 Networks, Inc.``.

    None for an unparseable MAC, a locally administered one (VMs, randomised Wi-Fi MACs,
    veths: no maker to name), a group (multicast/broadcast) address, or an unregistered OUI.
    """
    normal = normalize_mac(mac)
    if normal is None:
        return None
    first = int(normal[:2], 16)
    if first & 0x03:
        return None
    try:
        org = netaddr.EUI(normal).oui.registration().org
    except netaddr.NotRegisteredError:
        return None
    return str(org).strip() or None
