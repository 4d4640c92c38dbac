"""Severities judged against the route the user's applications take (STYLE.md item 14).

Pure functions of (what was observed, the route in force): the same rule serves every
wizard, so direct being closed is never a problem for users whose applications go through
a proxy that works, and always one for users whose applications go direct.
"""

from __future__ import annotations

from collections.abc import Collection

from wiresleuth.model.finding import Severity
from wiresleuth.model.proxy_observations import Route


def direct_closed_severity(first: Route | None, working_proxies: Collection[str]) -> Severity:
    """Severity of "direct is closed, a proxy works" for a target whose route starts ``first``.

    Route DIRECT (or unknown): the applications fail: problem. Route through a proxy that
    works: info (direct access is closed by policy; nothing the user runs is affected unless
    it ignores the proxy setting, case C5). Route through a proxy that does not work while
    another one does: warning (the failing proxy has its own finding).
    """
    if first is None or first.kind != "PROXY" or first.proxy is None:
        return Severity.PROBLEM
    if first.proxy in working_proxies:
        return Severity.INFO
    return Severity.WARNING


def route_failure_severity(first: Route | None, failing: str | None) -> Severity:
    """Severity of a failure seen on one path: problem when it is the route's first hop.

    ``failing`` is ``DIRECT`` or the ``host:port`` of the proxy that failed.
    """
    if first is None:
        return Severity.PROBLEM if failing == "DIRECT" else Severity.WARNING
    hop = "DIRECT" if first.kind == "DIRECT" else first.proxy
    return Severity.PROBLEM if hop == failing else Severity.WARNING
