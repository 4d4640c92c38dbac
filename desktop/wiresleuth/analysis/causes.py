"""Findings that explain each other, grouped under one cause (the catalogue's ``explains``).

Pure: findings in, causes out; the same grouping serves the window, report.html, the
terminal summary and report.json, so they count the same causes. A finding joins the
group of the first cause (in the catalogue's order) that explains it, following chains
(a QoS policer explains the lost large packets, which explain the missing ServerHello) to
the cause at the top; a loop of "explains" ends at the finding met first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from wiresleuth.model.catalogue import CATALOGUE, sort_findings
from wiresleuth.model.cause import Cause
from wiresleuth.model.finding import Finding, Severity


def _explains(cause: Finding, symptom: Finding) -> bool:
    """Whether ``cause`` explains ``symptom`` (catalogue relation, targets compatible)."""
    if cause is symptom or cause.id == symptom.id:
        return False
    spec = CATALOGUE.get(cause.id)
    if spec is None or spec.about_the_run or symptom.id not in spec.explains:
        return False
    return cause.target is None or symptom.target is None or cause.target == symptom.target


_EXPLAINED_BY: dict[str, tuple[str, ...]] = {}
"""Finding ID -> the IDs that explain it (the catalogue's relation, reversed)."""
for _spec in CATALOGUE.values():
    for _symptom in _spec.explains:
        _EXPLAINED_BY[_symptom] = (*_EXPLAINED_BY.get(_symptom, ()), _spec.id)


def _about_the_run(finding: Finding) -> bool:
    spec = CATALOGUE.get(finding.id)
    return spec is not None and spec.about_the_run


def group_causes(findings: Iterable[Finding]) -> tuple[Cause, ...]:
    """The causes of ``findings``: every finding appears exactly once, as a cause or inside
    one. Causes come most severe first, then in the catalogue's cause-before-symptom order."""
    ordered = sort_findings(tuple(findings))
    by_id: dict[str, list[int]] = {}
    by_place: dict[tuple[str, str | None], list[int]] = {}
    for index, finding in enumerate(ordered):
        by_id.setdefault(finding.id, []).append(index)
        by_place.setdefault((finding.id, finding.target), []).append(index)
    parent: dict[int, int] = {}
    for index, finding in enumerate(ordered):
        # Only the findings that may explain this one are looked at (a bundle may hold
        # thousands: no pairwise scan): the IDs that explain it, on its target or the run's.
        candidates: list[int] = []
        for cause_id in _EXPLAINED_BY.get(finding.id, ()):
            if finding.target is None:
                candidates += by_id.get(cause_id, ())
            else:
                candidates += by_place.get((cause_id, finding.target), ())
                candidates += by_place.get((cause_id, None), ())
        for other in sorted(candidates):
            if _explains(ordered[other], finding):
                parent[index] = other
                break
    members: dict[int, list[int]] = {}
    for index in range(len(ordered)):
        root, seen = index, {index}
        while root in parent and parent[root] not in seen:
            root = parent[root]
            seen.add(root)
        members.setdefault(root, []).append(index)
    causes = [
        Cause(
            finding=ordered[root],
            supporting=tuple(ordered[i] for i in indices if i != root),
            about_the_run=_about_the_run(ordered[root]),
        )
        for root, indices in members.items()
    ]
    rank = {id(finding): position for position, finding in enumerate(ordered)}
    causes.sort(key=lambda c: (-c.severity.weight, rank[id(c.finding)]))
    return tuple(causes)


def count_causes(causes: Sequence[Cause]) -> dict[str, int]:
    """``{"problem": n, "warning": n, "info": n}`` of the causes that are about the network
    (a run-level note such as "packets could not be captured" is not a cause of trouble)."""
    counts = {severity.value: 0 for severity in sorted(Severity, key=lambda s: -s.weight)}
    for cause in causes:
        if not cause.about_the_run:
            counts[cause.severity.value] += 1
    return counts


def cause_index(causes: Sequence[Cause], findings: Sequence[Finding]) -> list[Mapping[str, object]]:
    """The causes as report.json lists them: positions in ``findings`` (the report's order)."""
    position = {id(finding): index for index, finding in enumerate(findings)}
    return [
        {
            "finding": position[id(cause.finding)],
            "supporting": [position[id(f)] for f in cause.supporting],
            "severity": cause.severity.value,
            "about_the_run": cause.about_the_run,
        }
        for cause in causes
        if id(cause.finding) in position
    ]
