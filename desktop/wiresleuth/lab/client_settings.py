"""The client's OS proxy configuration, written through the mechanisms the program reads.

GNOME: a GSettings keyfile (``$XDG_CONFIG_HOME/glib-2.0/settings/keyfile`` with
``GSETTINGS_BACKEND=keyfile``), which the real ``gsettings list-recursively`` prints as the
desktop's settings (the same tool ``platform.proxy_settings`` runs). KDE: ``kioslaverc`` in
``$XDG_CONFIG_HOME``, as kwriteconfig5 writes it. Environment: ``*_proxy`` variables. The
desktop is named by ``XDG_CURRENT_DESKTOP``, as a session would.
"""

from __future__ import annotations

import os
from pathlib import Path

from wiresleuth.lab.scenario import ClientSpec


def _gvariant_list(items: tuple[str, ...]) -> str:
    return "[" + ", ".join(repr(i) for i in items) + "]"


def _gnome_keyfile(client: ClientSpec) -> str:
    bypass = client.os_bypass or ("localhost", "127.0.0.0/8", "::1")
    if client.os_pac_url is not None:
        return (
            "[system/proxy]\n"
            "mode='auto'\n"
            f"autoconfig-url={client.os_pac_url!r}\n"
            f"ignore-hosts={_gvariant_list(bypass)}\n"
        )
    assert client.os_proxy is not None
    host, _, port = client.os_proxy.rpartition(":")
    return (
        "[system/proxy]\n"
        "mode='manual'\n"
        f"ignore-hosts={_gvariant_list(bypass)}\n\n"
        f"[system/proxy/http]\nhost={host!r}\nport={int(port)}\n\n"
        f"[system/proxy/https]\nhost={host!r}\nport={int(port)}\n"
    )


def _kioslaverc(client: ClientSpec) -> str:
    if client.os_pac_url is not None:
        return f"[Proxy Settings]\nProxy Config Script={client.os_pac_url}\nProxyType=2\n"
    assert client.os_proxy is not None
    host, _, port = client.os_proxy.rpartition(":")
    proxy = f"http://{host} {port}"  # KDE's own form: host, space, port
    return (
        "[Proxy Settings]\n"
        f"NoProxyFor={','.join(client.os_bypass)}\n"
        "ProxyType=1\n"
        "ReversedException=false\n"
        f"httpProxy={proxy}\n"
        f"httpsProxy={proxy}\n"
    )


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    for parent in (path.parent, *path.parent.parents):
        if parent.name == "client-config":
            break
        os.chmod(parent, 0o755)
    path.write_text(text, encoding="utf-8")
    os.chmod(path, 0o644)  # the program may run as nobody


def os_settings_env(client: ClientSpec, directory: Path) -> dict[str, str]:
    """Write the client's OS proxy settings under ``directory``; return the environment the
    program needs to see them (empty when the scenario sets none)."""
    if client.os_settings is None:
        return {}
    directory.mkdir(parents=True, exist_ok=True)
    os.chmod(directory, 0o755)
    config = directory / "config"
    if client.os_settings == "gnome":
        _write(config / "glib-2.0" / "settings" / "keyfile", _gnome_keyfile(client))
        return {
            "XDG_CURRENT_DESKTOP": "GNOME",
            "XDG_CONFIG_HOME": str(config),
            "GSETTINGS_BACKEND": "keyfile",
        }
    if client.os_settings == "kde":
        _write(config / "kioslaverc", _kioslaverc(client))
        return {"XDG_CURRENT_DESKTOP": "KDE", "XDG_CONFIG_HOME": str(config)}
    if client.os_pac_url is not None:
        return {"auto_proxy": client.os_pac_url}
    env = {"http_proxy": f"http://{client.os_proxy}", "https_proxy": f"http://{client.os_proxy}"}
    if client.os_bypass:
        env["no_proxy"] = ",".join(client.os_bypass)
    return env
