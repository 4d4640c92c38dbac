"""What a view could not show, in words: a whole part (``ShapeError``) or single values
(``Problems``).

A bundle can be damaged, hand-made or from another version. Measurements that do not fit
their type cannot be shown at all: ``gui.measurements`` raises ShapeError naming the first
value that does not fit, and ``QtPartGuard`` shows that sentence in the part's place. Values
of the right type that make no sense (a time of NaN, a packet of a million bytes) are left
out one by one and named, so the view shows the rest.
"""

from __future__ import annotations

MAX_PROBLEMS = 8
"""Problems spelled out per view; the rest are counted."""


class ShapeError(ValueError):
    """A part of the bundle cannot be read as its view needs; the message says where."""


class Problems:
    """Values a view left out, noted as it reads."""

    def __init__(self) -> None:
        self._problems: list[str] = []
        self._unlisted = 0

    @property
    def problems(self) -> tuple[str, ...]:
        """What was left out, in words (the first few, then how many more)."""
        more = (f"and {self._unlisted} more",) if self._unlisted else ()
        return (*self._problems, *more)

    def note(self, text: str) -> None:
        """Record something left out."""
        if len(self._problems) < MAX_PROBLEMS:
            self._problems.append(text)
        else:
            self._unlisted += 1
