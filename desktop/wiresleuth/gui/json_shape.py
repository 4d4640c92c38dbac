"""Reading the measurements of a bundle (its JSON form) by the shape a view expects.

A bundle comes from someone else's computer, from another version of the program, or from
someone who wrote it by hand: a number may be text, NaN or 1e308, a list may be an object, a
key may be missing. A view model reads through a ``Shape``: what fits is returned typed, what
does not is noted in words ("mtu.targets[0].sweep.probes[3].size is text ('?'), not a number")
and left out, so the view shows the rest and says what it left out. When a whole part cannot
be read, ``ShapeError`` says why and the viewer shows that sentence in the part's place.

Hand-written because the checks are few and each must end in a sentence an engineer can act
on; a schema library would add a dependency and still need its errors rewritten.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

MAX_PROBLEMS = 8
"""Problems spelled out per view; the rest are counted."""
_VALUE_CHARS = 40


class ShapeError(ValueError):
    """A part of the bundle is not of the shape its view reads; the message says where."""


def describe(value: Any) -> str:
    """What ``value`` is, in words, with a short quote of a scalar."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"true/false ({'true' if value else 'false'})"
    if isinstance(value, int | float):
        return f"a number ({_quote(value)})"
    if isinstance(value, str):
        return f"text ({_quote(value)})"
    if isinstance(value, list | tuple):
        return f"a list of {len(value)}"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


def _quote(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= _VALUE_CHARS else text[: _VALUE_CHARS - 1] + "…"


class Shape:
    """Reads values by shape; keeps a note of each value that does not fit."""

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

    def _wrong(self, value: Any, where: str, expected: str) -> None:
        self.note(f"{where} is {describe(value)}, not {expected}")

    def mapping(self, value: Any, where: str) -> Mapping[str, Any] | None:
        """An object; None when absent (null) or of another shape (noted)."""
        if isinstance(value, Mapping):
            return value
        if value is not None:
            self._wrong(value, where, "an object")
        return None

    def items(self, value: Any, where: str) -> list[Any]:
        """A list; empty when absent (null) or of another shape (noted)."""
        if isinstance(value, list | tuple):
            return list(value)
        if value is not None:
            self._wrong(value, where, "a list")
        return []

    def number(self, value: Any, where: str) -> float | None:
        """A finite number; None when absent (null) or not one (noted: text, NaN, infinity)."""
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self._wrong(value, where, "a number")
            return None
        try:
            number = float(value)
        except OverflowError:  # an integer of hundreds of digits
            number = math.inf
        if not math.isfinite(number):
            self._wrong(value, where, "a finite number")
            return None
        return number

    def whole(self, value: Any, where: str, low: int, high: int) -> int | None:
        """A whole number from ``low`` to ``high``; None when absent or not one (noted)."""
        number = self.number(value, where)
        if number is None:
            return None
        if number != int(number) or not low <= number <= high:
            self._wrong(value, where, f"a whole number from {low} to {high}")
            return None
        return int(number)

    def text(self, value: Any, where: str) -> str:
        """Text ("" when absent); a number or true/false as written; other shapes noted."""
        if value is None:
            return ""
        if isinstance(value, str):
            return value
        if isinstance(value, bool | int | float):
            return str(value).lower() if isinstance(value, bool) else str(value)
        self._wrong(value, where, "text")
        return ""


def section(observations: Mapping[str, Any], name: str) -> Mapping[str, Any] | None:
    """One wizard's measurements: None when it did not run; ShapeError when not an object."""
    value = observations.get(name)
    if value is None or isinstance(value, Mapping):
        return value
    raise ShapeError(f"the measurements of {name!r} are {describe(value)}, not an object")


def required_list(value: Any, where: str) -> list[Any]:
    """A list a part cannot be shown without ([] when absent); ShapeError when of another shape."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return list(value)
    raise ShapeError(f"{where} is {describe(value)}, not a list")
