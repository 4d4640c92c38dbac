"""A cause: one finding that explains others, with the findings it explains inside it.

A user reads one sentence per cause and one next step; an engineer expands it and still
finds every finding, with its evidence. The grouping itself is ``analysis.causes``.
"""

from __future__ import annotations

from dataclasses import dataclass

from wiresleuth.model.finding import Finding, Severity


@dataclass(frozen=True, kw_only=True)
class Cause:
    """One cause of trouble (or one note) and the findings it explains."""

    finding: Finding
    """The finding that explains the others: its title is the cause's sentence."""
    supporting: tuple[Finding, ...] = ()
    """The findings it explains (symptoms and supporting facts), most severe first."""
    about_the_run: bool = False
    """True when the cause is about the run itself (capture, a check that failed), not about
    the network: the headline does not count it."""

    @property
    def severity(self) -> Severity:
        """The most severe of its findings: a warning that explains a problem is a problem."""
        return max((self.finding, *self.supporting), key=lambda f: f.severity.weight).severity

    @property
    def findings(self) -> tuple[Finding, ...]:
        """The cause first, then what it explains."""
        return (self.finding, *self.supporting)

    @property
    def target(self) -> str | None:
        """The cause's target (None for the run as a whole)."""
        return self.finding.target
