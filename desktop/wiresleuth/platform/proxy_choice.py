"""Which proxy source a browser follows on each OS (pure: sources in, decision out)."""

from __future__ import annotations

from collections.abc import Sequence

from wiresleuth.model.proxy_config import ProxyConfiguration, ProxySource


def _pick(name: str | None, sources: Sequence[ProxySource]) -> ProxySource | None:
    return next((s for s in sources if s.name == name and s.available), None)


def choose(
    system: str, sources: Sequence[ProxySource], *, desktop: str | None = None
) -> ProxyConfiguration:
    """The source in force for browsers on ``system`` (``Windows``, ``Darwin``, ``Linux``).

    Windows: WinINet (WinHTTP serves services only). macOS: SystemConfiguration. Linux: the
    desktop's settings (GNOME or KDE) when they can be read, else the environment; a desktop
    saying "no proxy" is a decision, the environment is then not consulted (Chromium).
    """
    listed = tuple(sources)
    winner: ProxySource | None = None
    reason: str
    if system == "Windows":
        winner = _pick("wininet", listed)
        reason = (
            "browsers and most programs use the per-user WinINet settings; WinHTTP applies "
            "to services such as Windows Update"
        )
    elif system == "Darwin":
        winner = _pick("macos", listed)
        reason = "applications receive the SystemConfiguration proxy dictionary (scutil --proxy)"
    elif system == "Linux":
        winner = _pick(desktop, listed) if desktop in ("gnome", "kde") else None
        if winner is not None:
            reason = f"the desktop is {desktop}: browsers read its proxy settings"
        else:
            winner = _pick("environment", listed)
            reason = (
                f"the desktop ({desktop or 'unknown'}) has no readable proxy settings: browsers "
                "read the environment variables"
            )
    else:
        winner = _pick("environment", listed)
        reason = f"no system proxy reader for {system}; the environment applies"
    if winner is None:
        return ProxyConfiguration(
            sources=listed,
            winner=None,
            mode="direct",
            reason=f"{reason}; no such source is set, so connections go direct",
            desktop=desktop,
        )
    return ProxyConfiguration(
        sources=listed, winner=winner.name, mode=winner.mode, reason=reason, desktop=desktop
    )
