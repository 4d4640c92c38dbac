"""What one check adds to another check's finding (the hop locator's "the answer comes from hop 2").

An addition is not a finding: it never stands alone in a report. The engine joins it to the
finding with the same ID and target once findings are merged (``analysis/additions.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from wiresleuth.model.finding import Evidence, cited_packets


@dataclass(frozen=True, kw_only=True)
class FindingAddition:
    """Sentences, evidence and values for the finding ``id`` about ``target``."""

    id: str
    """ID of the finding it adds to."""
    target: str | None
    """That finding's target."""
    wizard: str
    """The check that adds it."""
    user_text: str = ""
    """A sentence for the user, appended to the finding's own."""
    engineer_text: str = ""
    """Sentences for the engineer, appended to the finding's own."""
    evidence: tuple[Evidence, ...] = ()
    """Facts appended to the finding's evidence."""
    values: Mapping[str, Any] = field(default_factory=dict)
    """Figures added to the finding's values (the finding's own keys win)."""

    @property
    def packets(self) -> tuple[int, ...]:
        """Every frame number its evidence cites, in order, without repeats."""
        return cited_packets(self.evidence)
