"""The route each target took, in plain sentences for the results page and the viewer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wiresleuth.model.route import load_routes


def route_lines(observations: Mapping[str, Any] | None) -> list[str]:
    """``www.lab.test:443: proxy 198.18.2.10:3128 (from GNOME settings)``, one per target.

    Empty when the run has no route table (older bundles, a foreign capture).
    """
    routes = load_routes((observations or {}).get("route"))
    if routes is None:
        return []
    lines = []
    for route in routes.routes:
        line = f"{route.target}: {route.shown}"
        if len(route.candidates) > 1:
            line += f", then {' -> '.join(c.label for c in route.candidates[1:])}"
        lines.append(line)
    return lines
