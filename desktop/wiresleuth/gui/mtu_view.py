"""The MTU sweep of each target (size tried vs what came back), read from the MTU wizard's
observations for the viewer's plot. JSON form in; a shape this version does not know is skipped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

RESULTS = ("reply", "lost", "frag_needed", "too_big_local", "error")
"""What a DF echo of one size can get, in the plot's legend order."""


@dataclass(frozen=True, kw_only=True)
class SweepPoint:
    """One probe of the sweep."""

    order: int
    """1-based: the order the probes were sent in (a binary search)."""
    size: int
    """IP packet size in bytes."""
    result: str
    """One of RESULTS (or another word from a newer wizard)."""
    detail: str
    """The error or the router's message, in words."""


@dataclass(frozen=True, kw_only=True)
class SweepView:
    """One target's sweep."""

    target: str
    """``host:port``."""
    address: str
    """The address swept."""
    method: str
    """``socket``, ``ping`` or ``none``."""
    points: tuple[SweepPoint, ...]
    """In the order sent."""
    path_mtu: int | None
    """Largest size that got a reply."""
    interface_mtu: int | None
    """The local interface's MTU (the sweep's upper bound)."""
    error: str | None
    """Why the sweep found nothing, if so."""


def _int(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def mtu_sweeps(observations: Mapping[str, Any]) -> tuple[SweepView, ...]:
    """Every target's sweep, in the wizard's order."""
    mtu = observations.get("mtu")
    targets = mtu.get("targets") if isinstance(mtu, Mapping) else None
    found = []
    for target in targets if isinstance(targets, list) else []:
        sweep = target.get("sweep") if isinstance(target, Mapping) else None
        if not isinstance(sweep, Mapping):
            continue
        points = []
        for order, probe in enumerate(sweep.get("probes") or [], 1):
            size = _int(probe.get("size")) if isinstance(probe, Mapping) else None
            if size is None or not isinstance(probe, Mapping):
                continue
            points.append(
                SweepPoint(
                    order=order,
                    size=size,
                    result=str(probe.get("result", "")),
                    detail=str(probe.get("detail") or ""),
                )
            )
        found.append(
            SweepView(
                target=str(target.get("target", "?")),
                address=str(sweep.get("address", "")),
                method=str(sweep.get("method", "")),
                points=tuple(points),
                path_mtu=_int(sweep.get("path_mtu")),
                interface_mtu=_int(sweep.get("interface_mtu")),
                error=str(sweep["error"]) if sweep.get("error") else None,
            )
        )
    return tuple(found)
