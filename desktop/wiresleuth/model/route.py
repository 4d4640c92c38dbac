"""The route each target really takes: what the user's applications do, computed once per run.

Every measuring wizard tests this route first and goes direct only as a comparison; every
severity is judged against it (STYLE.md item 14). The candidates use the proxy wizard's
``Route`` (one way to try: ``DIRECT`` or ``PROXY host:port``), in the order browsers fail
over.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from wiresleuth.model.proxy_observations import Route

SOURCE_KINDS = (
    "profile",
    "os_policy",
    "os_settings",
    "environment",
    "pac",
    "default",
)
"""Where a route decision came from, in the precedence the route computation applies
(``pac`` is recorded when a PAC decided, whichever of the others named the PAC)."""


@dataclass(frozen=True, kw_only=True)
class TargetRoute:
    """The route one target takes, where that came from and why."""

    target: str
    """``host:port`` of the target."""
    url: str
    """The target's URL (what a PAC was asked about)."""
    candidates: tuple[Route, ...]
    """In the order applications try them: the next only when a proxy cannot be connected to."""
    source: str
    """One of ``SOURCE_KINDS``."""
    origin: str
    """The concrete setting that decided: ``GNOME settings``, ``WinINet (policy: machine-wide
    settings)``, ``PAC from KDE settings (http://pac/proxy.pac)``, ``helpdesk profile``..."""
    reason: str
    """One plain sentence saying why this route is the one in force."""
    detail: str = ""
    """The raw decision: a PAC answer, a proxy setting, the bypass entry that matched."""

    @property
    def first(self) -> Route:
        """The route tried first (``DIRECT`` when there is no candidate)."""
        return self.candidates[0] if self.candidates else Route(kind="DIRECT")

    @property
    def uses_proxy(self) -> bool:
        """Whether the first candidate is an HTTP proxy."""
        return self.first.kind == "PROXY" and self.first.proxy is not None

    @property
    def label(self) -> str:
        """``PROXY a:3128 -> DIRECT`` style, for screens and findings."""
        return " -> ".join(c.label for c in self.candidates) or "DIRECT"

    @property
    def shown(self) -> str:
        """What a person reads: ``proxy 198.18.2.10:3128 (from GNOME settings)``."""
        first = self.first
        what = f"proxy {first.proxy}" if first.kind == "PROXY" else first.kind.lower()
        if first.kind == "DIRECT":
            what = "direct"
        return f"{what} (from {self.origin})"


@dataclass(frozen=True, kw_only=True)
class RouteObservations:
    """Every target's route and what it was computed from (``observations["route"]``)."""

    routes: tuple[TargetRoute, ...] = ()
    """One per target, in the order of the run's targets."""
    system: str = ""
    """``Windows``, ``Darwin`` or ``Linux``: whose precedence was applied."""
    settings_source: str | None = None
    """The OS source in force (``wininet``, ``macos``, ``gnome``...); None when none was."""
    pac_url: str | None = None
    """The PAC the PAC wizard found and evaluated, if any."""
    pac_origin: str | None = None
    """Where that PAC came from (``profile``, ``system:gnome``, ``wpad``)."""
    pac_outcome: str | None = None
    """The sandboxed evaluation's outcome (``ok``, ``timeout``...); None when not evaluated."""
    proxy_addresses: Mapping[str, str] = field(default_factory=dict)
    """``host:port`` of every proxy a route names -> the address it resolved to."""
    proxy_errors: Mapping[str, str] = field(default_factory=dict)
    """``host:port`` -> why it has no address."""
    notes: tuple[str, ...] = ()
    """What could not be read or applied, in words."""

    def of(self, target: str) -> TargetRoute | None:
        """The route of ``host:port``, if it was computed."""
        return next((r for r in self.routes if r.target == target), None)
