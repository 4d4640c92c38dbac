"""Start-up hardening for the frozen app when it holds rights its user does not (Linux).

The Linux package grants the program one file capability, CAP_NET_RAW, so that a normal
user's run can capture its own packets. The kernel then starts it in "secure-execution"
mode (AT_SECURE): glibc ignores LD_* variables, OpenSSL ignores SSL_CERT_*/OPENSSL_*, and
PyInstaller's bootloader ignores PYTHON* variables. Qt and GLib do not: Qt loads plugins
from ``QT_PLUGIN_PATH`` even then (checked on this build), which would hand the capability
to any code a local user points it at. So, before anything else is imported, the entry
point keeps only an allowlist of variables (data, never code locations), pins PATH to the
system folders (children start without the capability, but ctypes' library search may run
tools from PATH), and refuses Qt's plugin-path command-line option.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Mapping, MutableMapping, Sequence

AT_SECURE = 23
"""getauxval() key: non-zero when the kernel started this process with elevated rights."""

SAFE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
"""PATH of an elevated process: system folders only."""

KEPT = frozenset(
    {
        "HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "TZ", "TERM", "COLORTERM", "NO_COLOR",
        "DISPLAY", "WAYLAND_DISPLAY", "XAUTHORITY", "DBUS_SESSION_BUS_ADDRESS",
        "XDG_RUNTIME_DIR", "XDG_SESSION_TYPE", "XDG_CURRENT_DESKTOP", "XDG_SESSION_DESKTOP",
        "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME",
        "XDG_DATA_DIRS", "XDG_CONFIG_DIRS",
        "http_proxy", "https_proxy", "ftp_proxy", "all_proxy", "no_proxy",
        "HTTP_PROXY", "HTTPS_PROXY", "FTP_PROXY", "ALL_PROXY", "NO_PROXY",
        "QT_QPA_PLATFORM", "QT_SCALE_FACTOR", "QT_SCREEN_SCALE_FACTORS",
        "QT_ENABLE_HIGHDPI_SCALING", "QT_FONT_DPI", "QT_IM_MODULE", "XMODIFIERS",
        "QT_ACCESSIBILITY", "QT_LINUX_ACCESSIBILITY_ALWAYS_ON",
    }
)  # fmt: skip
"""Variables an elevated process keeps: where the user is, how to show things (names of
bundled plugins, never folders of code), proxies."""

KEPT_PREFIXES = ("LC_", "WIRESLEUTH_")
"""Locale settings and the program's own variables (data only)."""

REFUSED_OPTIONS = ("-platformpluginpath", "--platformpluginpath")
"""Qt command-line options that name a folder of code to load."""


def is_elevated() -> bool:
    """Whether the kernel marked this process secure-exec (setuid, setgid or file capabilities)."""
    if not sys.platform.startswith("linux"):
        return False
    getauxval = ctypes.CDLL(None).getauxval
    getauxval.restype = ctypes.c_ulong
    getauxval.argtypes = [ctypes.c_ulong]
    return bool(getauxval(AT_SECURE))


def kept_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The environment an elevated process may use: the allowlist, and PATH pinned."""
    kept = {
        name: value
        for name, value in environ.items()
        if name in KEPT or name.startswith(KEPT_PREFIXES)
    }
    kept["PATH"] = SAFE_PATH
    return kept


def refused_option(argv: Sequence[str]) -> str | None:
    """The first argument an elevated process must not accept, if any."""
    for argument in argv:
        if argument.split("=", 1)[0] in REFUSED_OPTIONS:
            return argument
    return None


def harden(environ: MutableMapping[str, str], argv: Sequence[str]) -> str | None:
    """Apply the rules in place when elevated; returns why the start is refused, else None."""
    if not is_elevated():
        return None
    kept = kept_environment(environ)
    environ.clear()
    environ.update(kept)
    option = refused_option(argv)
    if option is not None:
        return (
            f"wiresleuth: {option} is not accepted: this program holds packet-capture rights "
            "and loads code only from its own folder"
        )
    return None
