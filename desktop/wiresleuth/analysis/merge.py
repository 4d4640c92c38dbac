"""One finding per (ID, target): wizards that prove the same thing add evidence, not copies.

The TLS wizard and the DSCP/MTU wizard both see a server's DSCP marking; the user must read
it once, with all the evidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from wiresleuth.model.finding import Evidence, Finding


def merge_same_findings(findings: Sequence[Finding]) -> list[Finding]:
    """Merge findings sharing ID and target; the most severe one's texts lead."""
    groups: dict[tuple[str, str | None], list[Finding]] = {}
    for finding in findings:
        groups.setdefault((finding.id, finding.target), []).append(finding)
    merged: list[Finding] = []
    for group in groups.values():
        if len(group) == 1:
            merged.append(group[0])
            continue
        lead = max(group, key=lambda f: f.severity.weight)
        values: dict[str, object] = {}
        for finding in group:
            values.update(finding.values)
        values.update(lead.values)
        merged.append(
            replace(
                lead,
                evidence=_evidence_once(group),
                values=values,
                wizard="+".join(dict.fromkeys(f.wizard for f in group)),
            )
        )
    return merged


def _evidence_once(group: Sequence[Finding]) -> tuple[Evidence, ...]:
    """Evidence in order of appearance; the same text on the same packets counts once."""
    out: list[Evidence] = []
    seen: set[tuple[str, tuple[int, ...], tuple[str, ...]]] = set()
    for finding in group:
        for item in finding.evidence:
            key = (item.text, item.packets, item.addresses)
            if key not in seen:
                seen.add(key)
                out.append(item)
    return tuple(out)
