"""Two documents side by side: which findings and which path figures differ.

An affected and an unaffected user, or a good day and a bad day. Findings line up by ID and
target; figures by target and name; connections by what they were for (their label without
the outcome: "TLS default to portal:443" on both days), so their timelines can be drawn one
under the other, each from its own first event. Timing figures count as different only
beyond what jitter explains, so the list shows what changed, not noise. Differences come
first in every list.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from wiresleuth.gui.document import Document
from wiresleuth.gui.path_figures import Figure, path_figures
from wiresleuth.model.catalogue import sort_findings
from wiresleuth.model.finding import Finding
from wiresleuth.model.timeline import Connection

ABSOLUTE_TOLERANCE = {"ms": 5.0, "s": 0.2, "": 0.0}
"""Differences up to this many units are jitter, per unit."""
RELATIVE_TOLERANCE = 0.25
"""Differences up to this share of the larger value are jitter."""


class Change(enum.StrEnum):
    """How a finding or figure compares."""

    ONLY_A = "only-a"
    ONLY_B = "only-b"
    DIFFERENT = "different"
    SAME = "same"


@dataclass(frozen=True, kw_only=True)
class FindingRow:
    """A finding (by ID and target) in either document."""

    id: str
    """Finding ID."""
    target: str | None
    """Its target (None: run-wide)."""
    a: Finding | None
    """The finding in the first document."""
    b: Finding | None
    """The finding in the second document."""
    change: Change
    """Present in one only, different severity, or the same."""


@dataclass(frozen=True, kw_only=True)
class FigureRow:
    """A figure in either document."""

    group: str
    """Target or ``run``."""
    name: str
    """What the figure is."""
    a: Figure | None
    """Its value in the first document."""
    b: Figure | None
    """Its value in the second document."""
    change: Change
    """Present in one only, different beyond jitter, or the same."""


@dataclass(frozen=True, kw_only=True)
class ConnectionPair:
    """A connection of each document that did the same thing (or of one only)."""

    key: str
    """What lines them up: the label without its outcome, else the server's address."""
    a: int | None
    """Its lane in the first document."""
    b: int | None
    """Its lane in the second document."""


@dataclass(frozen=True, kw_only=True)
class Comparison:
    """Everything that lines up between two documents."""

    findings: tuple[FindingRow, ...]
    """Findings, differences first."""
    figures: tuple[FigureRow, ...]
    """Figures, differences first, then in the first document's order and those only in
    the second."""
    connections: tuple[ConnectionPair, ...] = ()
    """Connections lined up, pairs first, in the first document's order."""

    @property
    def differences(self) -> int:
        """How many rows differ."""
        findings = sum(r.change is not Change.SAME for r in self.findings)
        return findings + sum(r.change is not Change.SAME for r in self.figures)


def figures_differ(a: Figure, b: Figure) -> bool:
    """Whether two values of one figure differ by more than jitter."""
    if isinstance(a.value, str) or isinstance(b.value, str):
        return a.value != b.value
    gap = abs(a.value - b.value)
    allowed = max(
        ABSOLUTE_TOLERANCE.get(a.unit, 0.0), RELATIVE_TOLERANCE * max(abs(a.value), abs(b.value))
    )
    return gap > allowed


def _change(a: object | None, b: object | None, differ: bool) -> Change:
    if b is None:
        return Change.ONLY_A
    if a is None:
        return Change.ONLY_B
    return Change.DIFFERENT if differ else Change.SAME


def compare_findings(a: Document, b: Document) -> tuple[FindingRow, ...]:
    """Findings of both documents lined up by (ID, target), differences first."""
    left = {(f.id, f.target): f for f in a.findings}
    right = {(f.id, f.target): f for f in b.findings}
    order = [(f.id, f.target) for f in sort_findings((*a.findings, *b.findings))]
    rows = []
    for key in dict.fromkeys(order):
        fa, fb = left.get(key), right.get(key)
        differ = fa is not None and fb is not None and fa.severity != fb.severity
        rows.append(
            FindingRow(id=key[0], target=key[1], a=fa, b=fb, change=_change(fa, fb, differ))
        )
    rows.sort(key=lambda r: r.change is Change.SAME)
    return tuple(rows)


def compare_figures(a: Document, b: Document) -> tuple[FigureRow, ...]:
    """Figures of both documents lined up by (target, name)."""
    left = {f.key: f for f in path_figures(a)}
    right = {f.key: f for f in path_figures(b)}
    rows = []
    for key in dict.fromkeys((*left, *right)):
        fa, fb = left.get(key), right.get(key)
        differ = fa is not None and fb is not None and figures_differ(fa, fb)
        rows.append(
            FigureRow(group=key[0], name=key[1], a=fa, b=fb, change=_change(fa, fb, differ))
        )
    rows.sort(key=lambda r: r.change is Change.SAME)
    return tuple(rows)


_OUTCOME = re.compile(r": [^:]{0,40}$")


def connection_key(connection: Connection) -> str:
    """What a connection was for, without how it went: ``TLS default to x:443``."""
    if connection.label:
        return _OUTCOME.sub("", connection.label)
    return f"{connection.server}:{connection.server_port}"


def pair_connections(a: Sequence[Connection], b: Sequence[Connection]) -> tuple[ConnectionPair, ...]:
    """Connections of ``a`` and ``b`` lined up by key (the n-th of a key with the n-th)."""
    waiting: dict[str, list[int]] = {}
    for lane, connection in enumerate(b):
        waiting.setdefault(connection_key(connection), []).append(lane)
    pairs, alone = [], []
    for lane, connection in enumerate(a):
        key = connection_key(connection)
        match = waiting.get(key)
        if match:
            pairs.append(ConnectionPair(key=key, a=lane, b=match.pop(0)))
        else:
            alone.append(ConnectionPair(key=key, a=lane, b=None))
    left = sorted(lane for lanes in waiting.values() for lane in lanes)
    alone += [ConnectionPair(key=connection_key(b[lane]), a=None, b=lane) for lane in left]
    return tuple(pairs + alone)


ALIGNED_ZERO = 1_000_000_000.0
"""Where aligned connections start (any plausible epoch: only differences are drawn)."""


def aligned(connection: Connection, label: str) -> Connection:
    """``connection`` moved in time so that it starts at ALIGNED_ZERO, renamed ``label``."""
    shift = ALIGNED_ZERO - connection.start
    events = tuple(replace(event, time=event.time + shift) for event in connection.events)
    return replace(
        connection,
        start=connection.start + shift,
        end=connection.end + shift,
        events=events,
        label=label,
    )


def aligned_lanes(
    a: Document, b: Document, pairs: Sequence[ConnectionPair]
) -> tuple[tuple[Connection, ...], list[tuple[int, str, int]]]:
    """The lanes of the aligned timeline (A's and B's connection of each pair, one under the
    other, each from its own start) and, per lane, (pair index, "A" or "B", document lane)."""
    lanes: list[Connection] = []
    where: list[tuple[int, str, int]] = []
    for index, pair in enumerate(pairs):
        for side, document, lane in (("A", a, pair.a), ("B", b, pair.b)):
            if lane is None or not 0 <= lane < len(document.connections):
                continue
            connection = document.connections[lane]
            lanes.append(aligned(connection, f"{side}: {connection.label or connection.id}"))
            where.append((index, side, lane))
    return tuple(lanes), where


def compare_documents(a: Document, b: Document) -> Comparison:
    """Findings, figures and connections of two documents, lined up."""
    return Comparison(
        findings=compare_findings(a, b),
        figures=compare_figures(a, b),
        connections=pair_connections(a.connections, b.connections),
    )
