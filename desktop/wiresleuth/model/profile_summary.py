"""The profile a run used, as report.json's ``profile`` holds it (secrets removed), typed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from wiresleuth.model.jsonable import JsonableError, from_jsonable


@dataclass(frozen=True, kw_only=True)
class ProfileSummary:
    """What of the profile a bundle keeps."""

    source: str | None = None
    """Where the profile came from (a file, the helpdesk's installer), or None: defaults."""
    targets: tuple[str, ...] = ()
    """Its sites (URLs, or ``host:port``)."""
    pac_url: str | None = None
    """The PAC file it names."""
    proxy: str | None = None
    """The proxy it names (``host:port``)."""
    must_refuse: tuple[str, ...] = ()
    """Endpoints that must refuse (``host:port``)."""
    helpdesk: Any = None
    """Who to contact: an object (``name``, ``contact``; more in hand-made profiles) or text."""
    budgets: Mapping[str, Any] = field(default_factory=dict)
    """The time budgets, in seconds, by name."""


def profile_summary(data: Mapping[str, Any] | None) -> ProfileSummary | None:
    """report.json's ``profile`` typed; None when there is none, or it is not of this shape."""
    if not data:
        return None
    try:
        return from_jsonable(ProfileSummary, dict(data))
    except JsonableError:
        return None
