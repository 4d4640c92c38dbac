"""The live timeline of a run: the engine's ``socket`` progress events as connections.

While a run is going there are no packets yet (capture is analysed at the end), only what the
program's sockets report. Each attempt (target and purpose) becomes one lane, so the live view
and the final timeline use the same widget and the same model objects.
"""

from __future__ import annotations

from collections.abc import Iterable

from wiresleuth.model.events import ProgressEvent
from wiresleuth.model.timeline import Connection, TimelineEvent

_INBOUND = frozenset(
    {"established", "first-byte", "handshake-done", "reset", "first-data", "eof", "not_tls"}
)
"""Socket events that are something arriving; the rest are the program acting or giving up."""


def _direction(kind: str) -> str:
    return "in" if kind in _INBOUND else "out"


def live_connections(events: Iterable[ProgressEvent]) -> tuple[Connection, ...]:
    """One Connection per attempt, from the ``socket`` events seen so far (others ignored).

    A socket event's detail names the attempt's purpose, except the closing event of a failed
    attempt, whose detail is the error: that one joins the target's latest lane.
    """
    lanes: dict[tuple[str, str], list[TimelineEvent]] = {}
    latest: dict[str, tuple[str, str]] = {}
    for event in events:
        if event.kind != "socket":
            continue
        target = str(event.data.get("target", "?"))
        kind = str(event.data.get("event", "?"))
        at = event.data.get("at", event.time)
        detail = str(event.data.get("detail", ""))
        key = (target, detail)
        if key not in lanes and kind != "connect" and target in latest:
            key = latest[target]
        latest[target] = key
        lanes.setdefault(key, []).append(
            TimelineEvent(
                time=float(at) if isinstance(at, int | float) else event.time,
                kind=kind,
                direction=_direction(kind),
                detail=detail if key[1] != detail else "",
            )
        )
    connections = []
    for (target, purpose), items in lanes.items():
        items.sort(key=lambda e: e.time)
        host, _, port = target.rpartition(":")
        connections.append(
            Connection(
                id=f"{target} {purpose}".strip(),
                client="this computer",
                client_port=0,
                server=host or target,
                server_port=int(port) if port.isdigit() else 0,
                start=items[0].time,
                end=items[-1].time,
                events=tuple(items),
                label=f"{target} ({purpose})" if purpose else target,
            )
        )
    return tuple(connections)
