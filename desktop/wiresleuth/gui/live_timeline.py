"""The live timeline of a run: the engine's ``socket`` progress events as connections.

While a run is going there are no packets yet (capture is analysed at the end), only what the
program's sockets report. Each attempt (target and purpose) becomes one lane, so the live view
and the final timeline use the same widget and the same model objects.

An attempt announced by ``connect`` when it starts and not yet ``closed`` is *waiting*: its
lane reaches "now" and grows, and ``waiting`` says in plain words what it waits for (the
last thing it saw decides: a greeting sent waits for the server's answer) and for how long.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from wiresleuth.model.events import ProgressEvent
from wiresleuth.model.timeline import Connection, TimelineEvent

_INBOUND = frozenset(
    {"established", "first-byte", "handshake-done", "reset", "first-data", "eof", "not_tls"}
)
"""Socket events that are something arriving; the rest are the program acting or giving up."""
_OPENS = "connect"
_CLOSES = "closed"
_WAITS_FOR: dict[str, str] = {
    "connect": "to accept the connection",
    "established": "to answer",
    "client-hello": "to answer the secure greeting (TLS)",
    "sent-by-app": "to answer the request",
    "on-the-wire": "to answer the request",
    "first-byte": "to finish its answer",
    "handshake-done": "to answer the request",
}
"""What an attempt waits for after its last moment, in words."""


@dataclass(frozen=True, kw_only=True)
class Waiting:
    """An attempt that has started and not ended: what it waits for, since when."""

    target: str
    """``host:port``."""
    purpose: str
    """What the attempt is for (``default``, ``small-mss``, ``https``...)."""
    what: str
    """What it waits for, in words ("to answer the secure greeting (TLS)")."""
    since: float
    """Epoch seconds of its last moment."""
    started: float
    """Epoch seconds it started."""

    def sentence(self, now: float) -> str:
        """``Waiting 4 s for news.example:443 to answer the request``."""
        return f"Waiting {max(0.0, now - self.since):.0f} s for {self.target} {self.what}"


@dataclass
class _Lane:
    target: str
    purpose: str
    events: list[TimelineEvent]
    opened: bool = False
    closed: bool = False


def _direction(kind: str) -> str:
    return "in" if kind in _INBOUND else "out"


def _lanes(events: Iterable[ProgressEvent]) -> list[_Lane]:
    """The attempts, in the order they first appeared.

    A socket event's lane is its ``lane`` (the attempt's purpose) or, from wizards that do
    not name one, its detail; the closing event of a failed attempt, whose detail is the
    error, then joins the target's latest lane.
    """
    lanes: dict[tuple[str, str], _Lane] = {}
    latest: dict[str, tuple[str, str]] = {}
    for event in events:
        if event.kind != "socket":
            continue
        target = str(event.data.get("target", "?"))
        kind = str(event.data.get("event", "?"))
        at = event.data.get("at", event.time)
        detail = str(event.data.get("detail", ""))
        named = str(event.data.get("lane", "") or "")
        key = (target, named or detail)
        if not named and key not in lanes and kind != _OPENS and target in latest:
            key = latest[target]
        latest[target] = key
        lane = lanes.setdefault(key, _Lane(target=target, purpose=key[1], events=[]))
        if kind == _OPENS:
            lane.opened = True
        if kind == _CLOSES:
            lane.closed = True
            continue  # an end, not a moment to draw
        lane.events.append(
            TimelineEvent(
                time=float(at) if isinstance(at, int | float) else event.time,
                kind=kind,
                direction=_direction(kind),
                detail=detail if key[1] != detail else "",
            )
        )
    for lane in lanes.values():
        lane.events.sort(key=lambda e: e.time)
    return [lane for lane in lanes.values() if lane.events]


def _pending(lane: _Lane, now: float | None) -> bool:
    return now is not None and lane.opened and not lane.closed


def live_connections(
    events: Iterable[ProgressEvent], now: float | None = None
) -> tuple[Connection, ...]:
    """One Connection per attempt, from the ``socket`` events seen so far (others ignored);
    with ``now`` (the run is going) an attempt still waiting reaches ``now``."""
    connections = []
    for lane in _lanes(events):
        items = lane.events
        host, _, port = lane.target.rpartition(":")
        end = items[-1].time
        if _pending(lane, now) and now is not None:
            end = max(end, now)
        connections.append(
            Connection(
                id=f"{lane.target} {lane.purpose}".strip(),
                client="this computer",
                client_port=0,
                server=host or lane.target,
                server_port=int(port) if port.isdigit() else 0,
                start=items[0].time,
                end=end,
                events=tuple(items),
                label=f"{lane.target} ({lane.purpose})" if lane.purpose else lane.target,
            )
        )
    return tuple(connections)


def waiting(events: Iterable[ProgressEvent], now: float) -> tuple[Waiting, ...]:
    """The attempts still waiting, the longest wait first."""
    found = [
        Waiting(
            target=lane.target,
            purpose=lane.purpose,
            what=_WAITS_FOR.get(lane.events[-1].kind, "to answer"),
            since=lane.events[-1].time,
            started=lane.events[0].time,
        )
        for lane in _lanes(events)
        if _pending(lane, now)
    ]
    return tuple(sorted(found, key=lambda w: w.since))


def status_line(waits: Sequence[Waiting], running: Sequence[str], now: float) -> str:
    """What the run is doing, in plain words: the longest wait (and how many others), else
    the checks running; empty when neither."""
    if waits:
        line = waits[0].sentence(now)
        others = len(waits) - 1
        if others:
            line += f" (and {others} other connection{'s' if others != 1 else ''})"
        return line + "…"
    if running:
        return "Checking: " + ", ".join(running) + "…"
    return ""
