"""Profile model objects (what a helpdesk writes in TOML)."""

from __future__ import annotations

from dataclasses import dataclass, field

from wiresleuth.model.target import Target


@dataclass(frozen=True, kw_only=True)
class Helpdesk:
    """Who the user should send the bundle to."""

    name: str = ""
    """Team name shown in the window and the report."""
    contact: str = ""
    """Phone, mail or ticket address."""


@dataclass(frozen=True, kw_only=True)
class Budgets:
    """Time limits in seconds; every probe has a hard deadline derived from these."""

    run: float = 120.0
    """The whole run."""
    connect: float = 5.0
    """One TCP connect."""
    tls_handshake: float = 10.0
    """One TLS handshake after connect (long enough to see a reset a few seconds later)."""
    icmp: float = 2.0
    """One ICMP echo."""
    tunnel_hold: float = 60.0
    """How long the proxy-path wizard keeps a tunnel open (direct and via the proxy) to see
    whether something in the path closes long-lived connections (case C2: ~45 s)."""


@dataclass(frozen=True, kw_only=True)
class Profile:
    """Everything a run needs to know beyond its defaults."""

    targets: tuple[Target, ...] = ()
    """Sites to test."""
    pac_url: str | None = None
    """PAC URL the organisation uses (later wizards)."""
    proxy: str | None = None
    """Explicit proxy ``host:port`` (later wizards); never holds credentials."""
    must_refuse: tuple[Target, ...] = ()
    """Endpoints that must refuse connections (e.g. a PAC host off the corporate network)."""
    path_proof: tuple[Target, ...] = ()
    """``host:port`` endpoints where ``wiresleuth listen`` runs: the proxy-path wizard sends
    each a marker directly and via the proxy (case C9)."""
    helpdesk: Helpdesk = field(default_factory=Helpdesk)
    """Helpdesk name and contact."""
    budgets: Budgets = field(default_factory=Budgets)
    """Time limits."""
    upload_url: str | None = field(default=None, repr=False)
    """HTTPS address a bundle may be sent to (the desktop application's "Send"). Kept out of
    ``repr``: an older profile carries the upload token in its path."""
    upload_token: str | None = field(default=None, repr=False)
    """The helpdesk inbox's upload token, sent as ``Authorization: Bearer`` to
    ``upload_url`` only; a secret: never shown, logged, or written to a bundle."""
    source: str = "built-in default"
    """Where the profile came from (a path, or "built-in default")."""
