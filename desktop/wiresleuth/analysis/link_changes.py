"""What changed in this computer's links between two moments of a watch, in plain words.

Pure: two ``LinkState`` in, sentences out ("a VPN interface appeared: tun0 (tun/tap)",
"Wi-Fi wlan0 moved to another access point of 'corp': 14:36:0e:d7:75:f1 (was
14:36:0e:d7:75:f2)"). A link that could not be read is not a change: the reason is said once,
when it first happens.
"""

from __future__ import annotations

from wiresleuth.model.link_state import LinkInterface, LinkState, WifiLink


def link_changes(before: LinkState, after: LinkState) -> list[str]:
    """Every change from ``before`` to ``after``, interfaces first, then Wi-Fi."""
    if after.error is not None:
        return [] if before.error == after.error else [f"links unreadable: {after.error}"]
    if before.error is not None:
        return [f"links readable again: {describe(after)}"]
    return _interface_changes(before, after) + _wifi_changes(before, after)


def describe(state: LinkState) -> str:
    """The state in one line: what is up, the VPN tunnels, each Wi-Fi network."""
    if state.error is not None:
        return f"links unreadable: {state.error}"
    up = [i.name for i in state.interfaces if i.up]
    parts = [f"up: {', '.join(up) if up else 'none'}"]
    vpn = [_vpn_name(i) for i in state.interfaces if i.kind == "vpn" and i.up]
    parts.append(f"VPN: {', '.join(vpn)}" if vpn else "no VPN interface")
    parts += [_wifi_words(w) for w in state.wifi]
    return "; ".join(parts)


def wifi_facts(state: LinkState | None) -> tuple[str, ...]:
    """Each Wi-Fi interface's network, for a watch's compared facts (``WatchContext.wifi``)."""
    if state is None or state.error is not None:
        return ()
    return tuple(
        f"{w.interface} {_network(w) if w.error is None else 'unknown'}" for w in state.wifi
    )


def vpn_facts(state: LinkState | None) -> tuple[str, ...]:
    """The VPN tunnels up, for a watch's compared facts (``WatchContext.vpn``)."""
    if state is None or state.error is not None:
        return ()
    return tuple(_vpn_name(i) for i in state.interfaces if i.kind == "vpn" and i.up)


def _vpn_name(interface: LinkInterface) -> str:
    return f"{interface.name} ({interface.vpn})" if interface.vpn else interface.name


def _interface_changes(before: LinkState, after: LinkState) -> list[str]:
    old = {i.name: i for i in before.interfaces}
    new = {i.name: i for i in after.interfaces}
    out: list[str] = []
    for name, now in new.items():
        was = old.get(name)
        vpn = now.kind == "vpn"
        if was is None:
            if vpn:
                state = "" if now.up else " (down)"
                out.append(f"a VPN interface appeared: {_vpn_name(now)}{state}")
            else:
                out.append(f"interface {name} appeared ({'up' if now.up else 'down'})")
        elif was.up != now.up:
            what = f"VPN interface {_vpn_name(now)}" if vpn else f"interface {name}"
            out.append(f"{what} {'came up' if now.up else 'went down'}")
    for name, was in old.items():
        if name not in new:
            what = f"VPN interface {_vpn_name(was)}" if was.kind == "vpn" else f"interface {name}"
            out.append(f"{what} is gone")
    return out


def _wifi_changes(before: LinkState, after: LinkState) -> list[str]:
    old = {w.interface: w for w in before.wifi}
    out: list[str] = []
    for now in after.wifi:
        was = old.get(now.interface)
        if now.error is not None:
            if was is None or was.error != now.error:
                out.append(f"Wi-Fi {now.interface}: {now.error}")
            continue
        if was is None or was.error is not None:
            out.append(_wifi_words(now))
        elif now.ssid is None and was.ssid is not None:
            out.append(f"Wi-Fi {now.interface} lost its network (was {_network(was)})")
        elif now.ssid != was.ssid:
            out.append(f"Wi-Fi {now.interface} changed network: {_network(now)} (was {_network(was)})")
        elif now.bssid != was.bssid:
            out.append(
                f"Wi-Fi {now.interface} moved to another access point of '{now.ssid}': "
                f"{now.bssid} (was {was.bssid})"
            )
    return out


def _network(link: WifiLink) -> str:
    if link.ssid is None:
        return "not connected"
    return f"'{link.ssid}' at {link.bssid}" if link.bssid else f"'{link.ssid}'"


def _wifi_words(link: WifiLink) -> str:
    if link.error is not None:
        return f"Wi-Fi {link.interface}: {link.error}"
    if link.ssid is None:
        return f"Wi-Fi {link.interface} is not connected"
    return f"Wi-Fi {link.interface} on {_network(link)}"
