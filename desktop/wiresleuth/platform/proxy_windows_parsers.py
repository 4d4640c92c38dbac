"""Pure parsers of Windows proxy settings: ``reg query`` of the WinINet key and ``netsh winhttp``.

WinINet (what browsers and most desktop programs use) keeps per-user values under
``HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings``: ``ProxyEnable`` and
``ProxyServer`` (fixed proxy), ``ProxyOverride`` (bypass list), ``AutoConfigURL`` (PAC). The
"Automatically detect settings" box lives only in the flags of the binary
``Connections\\DefaultConnectionSettings`` (0x08 auto-detect, 0x04 PAC, 0x02 fixed proxy).
WinHTTP (services, Windows Update) has its own setting shown by ``netsh winhttp show proxy``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from wiresleuth.model.proxy_config import ProxySource
from wiresleuth.platform.proxy_env import redact_credentials
from wiresleuth.platform.unavailable import FactUnavailable

INTERNET_SETTINGS = r"HKCU\Software\Microsoft\Windows\CurrentVersion\Internet Settings"
"""The per-user WinINet key."""
CONNECTIONS = INTERNET_SETTINGS + r"\Connections"
"""Its subkey holding DefaultConnectionSettings."""
MACHINE_INTERNET_SETTINGS = r"HKLM\Software\Microsoft\Windows\CurrentVersion\Internet Settings"
"""The machine-wide WinINet key, in force for every user when ProxySettingsPerUser is 0."""
MACHINE_CONNECTIONS = MACHINE_INTERNET_SETTINGS + r"\Connections"
"""Its subkey holding the machine-wide DefaultConnectionSettings."""
POLICY_INTERNET_SETTINGS = (
    r"HKLM\Software\Policies\Microsoft\Windows\CurrentVersion\Internet Settings"
)
"""Where Group Policy ("Make proxy settings per-machine (rather than per-user)") writes
``ProxySettingsPerUser``: 0 makes the machine-wide settings apply to every user."""

_VALUE = re.compile(r"^\s+(?P<name>\S.*?)\s{2,}(?P<type>REG_[A-Z_]+)(?:\s{2,}(?P<data>.*?))?\s*$")
FLAG_PROXY = 0x02
FLAG_PAC = 0x04
FLAG_AUTO_DETECT = 0x08


def parse_reg_query(text: str) -> dict[str, tuple[str, str]]:
    """``{value name: (REG_TYPE, data as printed)}`` from ``reg query KEY`` output.

    Value lines are indented and separated by runs of spaces (names may contain single
    spaces, e.g. ``User Agent``); key lines and blank lines are skipped. A value printed
    without data (an empty REG_SZ) maps to ``""``.
    """
    values: dict[str, tuple[str, str]] = {}
    for line in text.splitlines():
        match = _VALUE.match(line.rstrip("\r"))
        if match:
            values[match["name"]] = (match["type"], match["data"] or "")
    return values


def _dword(values: Mapping[str, tuple[str, str]], name: str) -> int | None:
    item = values.get(name)
    if item is None or item[0] != "REG_DWORD":
        return None
    try:
        return int(item[1], 16) if item[1].lower().startswith("0x") else int(item[1])
    except ValueError:
        return None


def _string(values: Mapping[str, tuple[str, str]], name: str) -> str | None:
    item = values.get(name)
    if item is None or item[0] not in ("REG_SZ", "REG_EXPAND_SZ"):
        return None
    return item[1].strip() or None


def connection_flags(hex_data: str) -> int | None:
    """The flags DWORD of a DefaultConnectionSettings blob (bytes 8-11, little-endian).

    None when the blob is too short to hold it.
    """
    try:
        blob = bytes.fromhex(hex_data.strip())
    except ValueError:
        return None
    if len(blob) < 12:
        return None
    return int.from_bytes(blob[8:12], "little")


def parse_proxy_server(value: str) -> dict[str, str]:
    """``host:port`` (every scheme) or ``http=h:p;https=h:p;socks=h:p`` into ``{scheme: h:p}``."""
    proxies: dict[str, str] = {}
    for part in value.split(";"):
        part = part.strip()
        if not part:
            continue
        scheme, sep, server = part.partition("=")
        if sep:
            proxies[scheme.strip().lower()] = redact_credentials(server.strip())
        else:
            proxies["all"] = redact_credentials(part)
    return proxies


def _bypass(value: str | None) -> tuple[str, ...]:
    return tuple(p.strip() for p in (value or "").split(";") if p.strip())


def wininet_source(
    values: Mapping[str, tuple[str, str]],
    *,
    connections: Mapping[str, tuple[str, str]] | None = None,
    origin: str = f"reg query {INTERNET_SETTINGS}",
) -> ProxySource:
    """The WinINet settings as a browser applies them.

    With the Connections values, their flags decide which of the three boxes are ticked (the
    plain values may be stale); without them, ``ProxyEnable``, ``AutoConfigURL`` and the
    ``AutoDetect`` DWORD (present on some Windows versions) stand in.
    """
    flags = None
    if connections is not None:
        blob = connections.get("DefaultConnectionSettings")
        if blob is not None and blob[0] == "REG_BINARY":
            flags = connection_flags(blob[1])
    enable = _dword(values, "ProxyEnable")
    server = _string(values, "ProxyServer")
    pac = _string(values, "AutoConfigURL")
    if flags is not None:
        use_proxy = bool(flags & FLAG_PROXY)
        use_pac = bool(flags & FLAG_PAC)
        auto_detect = bool(flags & FLAG_AUTO_DETECT)
    else:
        use_proxy = enable == 1
        use_pac = pac is not None
        auto_detect = _dword(values, "AutoDetect") == 1
    raw = {
        name: redact_credentials(data) if name == "ProxyServer" else data
        for name, (_type, data) in values.items()
        if name in ("ProxyEnable", "ProxyServer", "ProxyOverride", "AutoConfigURL", "AutoDetect")
    }
    if flags is not None:
        raw["DefaultConnectionSettings.flags"] = f"0x{flags:02x}"
    return ProxySource(
        name="wininet",
        origin=origin,
        auto_detect=auto_detect,
        pac_url=pac if use_pac else None,
        proxies=parse_proxy_server(server) if use_proxy and server else {},
        bypass=_bypass(_string(values, "ProxyOverride")),
        raw=raw,
    )


def per_machine(policy: Mapping[str, tuple[str, str]]) -> bool:
    """Whether ``ProxySettingsPerUser`` (from ``reg query`` of the policy key) is 0.

    Absent (the default) or 1 means per-user settings, as Microsoft documents the policy.
    """
    return _dword(policy, "ProxySettingsPerUser") == 0


def machine_wininet_source(
    values: Mapping[str, tuple[str, str]],
    *,
    connections: Mapping[str, tuple[str, str]] | None = None,
) -> ProxySource:
    """The machine-wide WinINet settings, marked as put in force by policy."""
    from dataclasses import replace

    source = wininet_source(
        values, connections=connections, origin=f"reg query {MACHINE_INTERNET_SETTINGS}"
    )
    return replace(
        source,
        policy=(
            "Group Policy ProxySettingsPerUser = 0: the machine-wide settings apply to every "
            "user"
        ),
    )


def parse_netsh_winhttp(text: str) -> ProxySource:
    """``netsh winhttp show proxy`` (English output): direct access, or proxy and bypass list.

    FactUnavailable when the text has neither form (another language, an error message).
    """
    server: str | None = None
    bypass: str | None = None
    direct = False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.lower().startswith("direct access"):
            direct = True
        name, sep, value = stripped.partition(":")
        if not sep:
            continue
        key = name.strip().lower()
        if key.startswith("proxy server"):
            server = value.strip()
        elif key.startswith("bypass list"):
            bypass = value.strip()
    if not direct and server is None:
        raise FactUnavailable("netsh winhttp show proxy: output not understood")
    raw = {"Proxy Server(s)": server or "", "Bypass List": bypass or ""} if server else {}
    if direct:
        raw = {"Direct access": "no proxy server"}
    return ProxySource(
        name="winhttp",
        origin="netsh winhttp show proxy",
        proxies=parse_proxy_server(server) if server and not direct else {},
        bypass=_bypass(None if bypass in (None, "(none)") else bypass),
        raw=raw,
    )
