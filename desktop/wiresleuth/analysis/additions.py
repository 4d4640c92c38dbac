"""Join what one check adds to another check's finding (same ID and target).

The hop locator runs because a finding suspects a device in the path, and says which hop it
is: that belongs in the suspecting finding, in one place, not in a second finding beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from wiresleuth.model.finding import Finding
from wiresleuth.model.finding_addition import FindingAddition


def _joined(first: str, more: str) -> str:
    if not more:
        return first
    if not first:
        return more
    return f"{first.rstrip()} {more.strip()}"


def add_to_findings(
    findings: Sequence[Finding], additions: Sequence[FindingAddition]
) -> tuple[list[Finding], list[FindingAddition]]:
    """The findings with every addition joined to its finding (texts appended, evidence
    after the finding's own, values the finding lacks); and the additions no finding took
    (their finding was not concluded)."""
    out = list(findings)
    where = {(f.id, f.target): n for n, f in enumerate(out)}
    unmatched: list[FindingAddition] = []
    for addition in additions:
        n = where.get((addition.id, addition.target))
        if n is None:
            unmatched.append(addition)
            continue
        finding = out[n]
        wizards = finding.wizard.split("+")
        out[n] = replace(
            finding,
            user_text=_joined(finding.user_text, addition.user_text),
            engineer_text=_joined(finding.engineer_text, addition.engineer_text),
            evidence=(*finding.evidence, *addition.evidence),
            values={**addition.values, **finding.values},
            wizard="+".join(dict.fromkeys([*wizards, addition.wizard])),
        )
    return out, unmatched
