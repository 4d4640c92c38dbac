"""Two documents side by side: which findings and which path figures differ.

An affected and an unaffected user, or a good day and a bad day. Findings line up by ID and
target; figures by target and name. Timing figures count as different only beyond what
jitter explains, so the list shows what changed, not noise.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from wiresleuth.gui.document import Document
from wiresleuth.gui.path_figures import Figure, path_figures
from wiresleuth.model.catalogue import sort_findings
from wiresleuth.model.finding import Finding

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
class Comparison:
    """Everything that lines up between two documents."""

    findings: tuple[FindingRow, ...]
    """Findings, differences first."""
    figures: tuple[FigureRow, ...]
    """Figures, in the first document's order, then those only in the second."""

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
    return tuple(rows)


def compare_documents(a: Document, b: Document) -> Comparison:
    """Findings and figures of two documents, lined up."""
    return Comparison(findings=compare_findings(a, b), figures=compare_figures(a, b))
