"""The route each target took, in plain sentences for the results page and the viewer."""

from __future__ import annotations

from wiresleuth.model.route import RouteObservations


def route_lines(routes: RouteObservations | None) -> list[str]:
    """``www.lab.test:443: proxy 198.18.2.10:3128 (from GNOME settings)``, one per target.

    Empty when the run has no route table (older bundles, a foreign capture).
    """
    if routes is None:
        return []
    lines = []
    for route in routes.routes:
        line = f"{route.target}: {route.shown}"
        if len(route.candidates) > 1:
            line += f", then {' -> '.join(c.label for c in route.candidates[1:])}"
        lines.append(line)
    return lines
