"""Thin callers that read each OS's proxy settings and hand them to the pure parsers.

Every source that cannot be read is kept with ``available=False`` and the reason, so the
report can say what was not seen. Never raises for OS trouble.
"""

from __future__ import annotations

import os
import platform
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path

from wiresleuth.model.proxy_config import ProxyConfiguration, ProxySource
from wiresleuth.platform import proxy_linux_parsers as linux
from wiresleuth.platform import proxy_macos_parsers as macos
from wiresleuth.platform import proxy_windows_parsers as windows
from wiresleuth.platform.commands import read_text, run_command
from wiresleuth.platform.proxy_choice import choose
from wiresleuth.platform.unavailable import FactUnavailable


def _guarded(name: str, origin: str, read: Callable[[], ProxySource | None]) -> ProxySource | None:
    try:
        return read()
    except FactUnavailable as exc:
        return ProxySource(name=name, origin=origin, available=False, error=str(exc))


def _reg(key: str) -> dict[str, tuple[str, str]] | None:
    """``reg query KEY`` parsed; None when the key does not exist or cannot be read."""
    try:
        return windows.parse_reg_query(run_command(["reg", "query", key]))
    except FactUnavailable:
        return None


def _windows_sources() -> list[ProxySource | None]:
    def wininet() -> ProxySource:
        policy = _reg(windows.POLICY_INTERNET_SETTINGS) or {}
        if windows.per_machine(policy):
            values = _reg(windows.MACHINE_INTERNET_SETTINGS)
            if values is None:
                raise FactUnavailable(
                    f"ProxySettingsPerUser is 0 but {windows.MACHINE_INTERNET_SETTINGS} "
                    "cannot be read"
                )
            return windows.machine_wininet_source(
                values, connections=_reg(windows.MACHINE_CONNECTIONS)
            )
        values = windows.parse_reg_query(run_command(["reg", "query", windows.INTERNET_SETTINGS]))
        return windows.wininet_source(values, connections=_reg(windows.CONNECTIONS))

    def winhttp() -> ProxySource:
        return windows.parse_netsh_winhttp(run_command(["netsh", "winhttp", "show", "proxy"]))

    return [
        _guarded("wininet", f"reg query {windows.INTERNET_SETTINGS}", wininet),
        _guarded("winhttp", "netsh winhttp show proxy", winhttp),
    ]


def _kioslaverc_paths(env: Mapping[str, str]) -> list[Path]:
    """Where KDE 5/6 keep kioslaverc: XDG_CONFIG_HOME (or ~/.config), then XDG_CONFIG_DIRS."""
    home = env.get("XDG_CONFIG_HOME") or str(Path(env.get("HOME", "~")).expanduser() / ".config")
    dirs = [home, *[d for d in env.get("XDG_CONFIG_DIRS", "/etc/xdg").split(":") if d]]
    return [Path(d) / "kioslaverc" for d in dirs]


def _linux_sources(env: Mapping[str, str], desktop: str) -> list[ProxySource | None]:
    def gnome() -> ProxySource:
        if shutil.which("gsettings") is None:
            raise FactUnavailable("gsettings is not installed")
        return linux.gnome_source(
            run_command(["gsettings", "list-recursively", "org.gnome.system.proxy"])
        )

    def kde() -> ProxySource:
        for path in _kioslaverc_paths(env):
            if path.is_file():
                return linux.kde_source(read_text(path), env)
        raise FactUnavailable("no kioslaverc file")

    sources: list[ProxySource | None] = []
    if desktop == "gnome":
        sources.append(
            _guarded("gnome", "gsettings list-recursively org.gnome.system.proxy", gnome)
        )
    if desktop == "kde":
        sources.append(_guarded("kde", "kioslaverc [Proxy Settings]", kde))
    return sources


def read_proxy_configuration(
    env: Mapping[str, str] | None = None, system: str | None = None
) -> ProxyConfiguration:
    """Every proxy source of this computer and the one browsers follow."""
    env = dict(os.environ) if env is None else env
    system = system or platform.system()
    desktop: str | None = None
    found: list[ProxySource | None] = []
    if system == "Windows":
        found += _windows_sources()
    elif system == "Darwin":
        found.append(
            _guarded(
                "macos",
                "scutil --proxy",
                lambda: macos.parse_scutil_proxy(run_command(["scutil", "--proxy"])),
            )
        )
    elif system == "Linux":
        desktop = linux.desktop_of(env)
        found += _linux_sources(env, desktop)
    found.append(linux.environment_source(env))
    sources = [s for s in found if s is not None]
    return choose(system, sources, desktop=desktop)
