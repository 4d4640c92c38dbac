"""Pure parsers of Linux proxy settings: GNOME gsettings, KDE kioslaverc, the environment.

Interpreted the way Chromium's ``proxy_config_service_linux.cc`` does, since that is what
Chrome, Edge and most Electron programs on the desktop do: the desktop (XDG_CURRENT_DESKTOP)
picks GNOME's gsettings or KDE's kioslaverc; their "none" is a decision (environment
variables are then ignored); without a desktop source the environment applies, where
``auto_proxy`` (empty: auto-detect) comes first, then ``all_proxy``, then per-scheme variables.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from typing import Any

from wiresleuth.model.proxy_config import ProxySource
from wiresleuth.platform.proxy_env import redact_credentials
from wiresleuth.platform.unavailable import FactUnavailable

GNOME_DESKTOPS = ("gnome", "unity", "cinnamon", "pantheon", "deepin", "ukui", "budgie")
"""Desktops whose browsers read gsettings (Chromium's list, plus Budgie which is GNOME-based)."""
_GVARIANT_PREFIX = re.compile(r"^(?:@[a-z]+|u?int(?:16|32|64)|byte|double|objectpath)\s+")


def desktop_of(env: Mapping[str, str]) -> str:
    """``gnome``, ``kde`` or ``other`` from XDG_CURRENT_DESKTOP (then DESKTOP_SESSION)."""
    names = (env.get("XDG_CURRENT_DESKTOP") or env.get("DESKTOP_SESSION") or "").lower()
    parts = [p.strip().removeprefix("x-") for p in names.replace(";", ":").split(":") if p.strip()]
    if any(p in ("kde", "plasma") or p.startswith("kde") for p in parts):
        return "kde"
    if any(p in GNOME_DESKTOPS or p.endswith("gnome") for p in parts):
        return "gnome"
    return "other"


def _gvariant(text: str) -> Any:
    """One printed GVariant value: strings, numbers, booleans and string lists."""
    text = _GVARIANT_PREFIX.sub("", text.strip())
    if text in ("true", "false"):
        return text == "true"
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def parse_gsettings_list(text: str) -> dict[str, Any]:
    """``{"mode": ..., "http.host": ...}`` from ``gsettings list-recursively org.gnome.system.proxy``."""
    values: dict[str, Any] = {}
    for line in text.splitlines():
        parts = line.strip().split(None, 2)
        if len(parts) < 3 or not parts[0].startswith("org.gnome.system.proxy"):
            continue
        schema, key, value = parts
        child = schema.removeprefix("org.gnome.system.proxy").lstrip(".")
        values[f"{child}.{key}" if child else key] = _gvariant(value)
    if "mode" not in values:
        raise FactUnavailable("gsettings: no org.gnome.system.proxy mode in the output")
    return values


def gnome_source(text: str) -> ProxySource:
    """GNOME's proxy settings as Chromium applies them (``mode`` none/auto/manual)."""
    values = parse_gsettings_list(text)
    mode = str(values["mode"])
    raw = {k: str(v) for k, v in values.items() if "password" not in k}
    pac_url: str | None = None
    auto_detect = False
    proxies: dict[str, str] = {}
    bypass: tuple[str, ...] = ()
    if mode == "auto":
        url = str(values.get("autoconfig-url") or "")
        if url.startswith("/"):
            url = "file://" + url
        pac_url = url or None
        auto_detect = not url
    elif mode == "manual":
        for scheme in ("http", "https", "ftp", "socks"):
            host = str(values.get(f"{scheme}.host") or "")
            port = values.get(f"{scheme}.port")
            if host:
                proxies[scheme] = f"{host}:{port}" if isinstance(port, int) and port else host
        if values.get("use-same-proxy") is True and "http" in proxies:
            # Chromium: with use-same-proxy (GNOME's default) the HTTP proxy serves every scheme
            proxies = {"all": proxies["http"]}
        hosts = values.get("ignore-hosts")
        bypass = tuple(str(h) for h in hosts) if isinstance(hosts, list) else ()
    return ProxySource(
        name="gnome",
        origin="gsettings list-recursively org.gnome.system.proxy",
        auto_detect=auto_detect,
        pac_url=pac_url,
        proxies=proxies,
        bypass=bypass,
        raw=raw,
    )


def parse_kioslaverc(text: str) -> dict[str, str]:
    """The ``[Proxy Settings]`` group of a kioslaverc file (KDE's INI dialect)."""
    values: dict[str, str] = {}
    in_group = False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("["):
            in_group = stripped.lower() == "[proxy settings]"
            continue
        if not in_group or not stripped or stripped.startswith("#"):
            continue
        key, sep, value = stripped.partition("=")
        if sep:
            values[key.strip()] = value.strip()
    return values


def _kde_proxy(value: str) -> str | None:
    """KDE writes ``http://host port`` (newer) or ``http://host:port``; empty or ``//:`` is none."""
    if not value or value.startswith("//:"):
        return None
    value = value.replace(" ", ":", 1) if " " in value else value
    return redact_credentials(value.split("://", 1)[-1])


def kde_source(text: str, env: Mapping[str, str]) -> ProxySource:
    """KDE's proxy settings; ProxyType 4 names environment variables, resolved from ``env``.

    FactUnavailable when the file has no ``ProxyType`` (Chromium then falls back to the
    environment).
    """
    values = parse_kioslaverc(text)
    if "ProxyType" not in values:
        raise FactUnavailable("kioslaverc: no ProxyType in [Proxy Settings]")
    try:
        kind = int(values["ProxyType"])
    except ValueError:
        kind = 0
    pac_url: str | None = None
    auto_detect = False
    proxies: dict[str, str] = {}
    bypass: tuple[str, ...] = ()
    if kind == 2:
        pac_url = values.get("Proxy Config Script") or None
        auto_detect = pac_url is None
    elif kind == 3:
        auto_detect = True
    elif kind in (1, 4):
        for key, scheme in (
            ("httpProxy", "http"),
            ("httpsProxy", "https"),
            ("ftpProxy", "ftp"),
            ("socksProxy", "socks"),
        ):
            value = values.get(key, "")
            if kind == 4:
                value = env.get(value, "") if value else ""
            proxy = _kde_proxy(value)
            if proxy:
                proxies[scheme] = proxy
        hosts = values.get("NoProxyFor", "")
        if kind == 4:
            hosts = env.get(hosts, "") if hosts else ""
        bypass = tuple(h for h in re.split(r"[,\s]+", hosts) if h)
    return ProxySource(
        name="kde",
        origin="kioslaverc [Proxy Settings]",
        auto_detect=auto_detect,
        pac_url=pac_url,
        proxies=proxies,
        bypass=bypass,
        raw=dict(values),
    )


def _env(env: Mapping[str, str], name: str) -> str | None:
    """Chromium's getter: the name as given, then the other case."""
    for candidate in (name, name.upper() if name.islower() else name.lower()):
        if candidate in env:
            return env[candidate]
    return None


def environment_source(env: Mapping[str, str]) -> ProxySource | None:
    """The environment's proxy settings, or None when it sets none (Chromium's rules)."""
    raw = {
        k: (v if k.lower() == "no_proxy" else redact_credentials(v))
        for k, v in sorted(env.items())
        if k.lower() in ("auto_proxy", "all_proxy", "http_proxy", "https_proxy", "no_proxy")
    }
    auto = _env(env, "auto_proxy")
    if auto is not None:
        return ProxySource(
            name="environment",
            origin="environment variables",
            auto_detect=not auto,
            pac_url=auto or None,
            raw=raw,
        )
    proxies: dict[str, str] = {}
    everything = _env(env, "all_proxy")
    if everything:
        proxies["all"] = redact_credentials(everything)
    else:
        for scheme in ("http", "https"):
            value = _env(env, f"{scheme}_proxy")
            if value:
                proxies[scheme] = redact_credentials(value)
    no_proxy = _env(env, "no_proxy") or ""
    if not proxies and not no_proxy:
        return None
    return ProxySource(
        name="environment",
        origin="environment variables",
        proxies=proxies,
        bypass=tuple(h.strip() for h in no_proxy.split(",") if h.strip()),
        raw=raw,
    )
