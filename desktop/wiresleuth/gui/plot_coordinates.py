"""Times as the plots can take them: finite, ordered, and within a span around the recording.

pyqtgraph and Qt's transforms take any float, and fail on some: a connection from 1e308 to
-1e308 makes the view's span overflow to infinity, and Qt crashes painting it. A bundle may
hold such times (damaged, or made by hand), a capture may hold packets stamped decades apart.
So every time drawn goes through a ``TimeFrame``: a window of ``PLAUSIBLE_SPAN_S`` either side
of the middle of the recording (the upper median of its times: a time that was seen, and one
a few wild values cannot move). A time outside it, or not finite, is not drawn, and the view
says so.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeGuard

import numpy as np
import numpy.typing as npt

PLAUSIBLE_SPAN_S = 7 * 86_400.0
"""How far from the middle of a recording a time may lie and still be drawn: a week either
side (a run lasts minutes, a capture taken elsewhere may last days)."""
MIN_VIEW_S = 1e-6
"""The narrowest time span a view zooms to (a microsecond: below, floats lose the detail)."""


def is_finite(value: object) -> TypeGuard[float]:
    """True for a real number that is not NaN or infinite."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


@dataclass(frozen=True, kw_only=True)
class TimeFrame:
    """Where times are drawn: x = epoch seconds - ``origin``, for times near ``middle``."""

    origin: float
    """Epoch seconds at x = 0 (finite, itself plausible)."""
    middle: float
    """Epoch seconds the plausible window is centred on."""

    def plausible(self, epoch: float) -> bool:
        """A time that can be drawn."""
        return is_finite(epoch) and abs(epoch - self.middle) <= PLAUSIBLE_SPAN_S

    def x(self, epoch: float) -> float | None:
        """Where ``epoch`` is drawn; None when it cannot be."""
        return epoch - self.origin if self.plausible(epoch) else None

    def span(self, start: float, end: float) -> tuple[float, float] | None:
        """Where a bar from ``start`` to ``end`` is drawn, left to right; None when it cannot be."""
        left, right = self.x(start), self.x(end)
        if left is None or right is None:
            return None
        return (left, right) if left <= right else (right, left)

    def mask(self, epochs: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_]:
        """Which of ``epochs`` can be drawn."""
        with np.errstate(invalid="ignore", over="ignore"):
            return np.isfinite(epochs) & (np.abs(epochs - self.middle) <= PLAUSIBLE_SPAN_S)

    @property
    def limits(self) -> tuple[float, float]:
        """The x range a view may show (the plausible window, relative to the origin)."""
        return (
            self.middle - PLAUSIBLE_SPAN_S - self.origin,
            self.middle + PLAUSIBLE_SPAN_S - self.origin,
        )


def times_array(values: Iterable[object]) -> npt.NDArray[np.float64]:
    """``values`` as float64, anything not a finite number as NaN (for a few thousand values:
    connections, events; a capture's packet times come as an array already)."""
    numbers = (float(v) if is_finite(v) else math.nan for v in values)
    return np.fromiter(numbers, np.float64)


def time_frame(origin: float | None, times: npt.NDArray[np.float64]) -> TimeFrame:
    """The frame of a recording whose times are ``times``, keeping ``origin`` when it is
    plausible (the run's start), else the first plausible time."""
    finite = times[np.isfinite(times)]
    if not len(finite):
        fallback = float(origin) if origin is not None and is_finite(origin) else 0.0
        return TimeFrame(origin=fallback, middle=fallback)
    middle = float(np.partition(finite, len(finite) // 2)[len(finite) // 2])  # a time seen
    frame = TimeFrame(origin=middle, middle=middle)
    if origin is not None and frame.plausible(origin):
        return TimeFrame(origin=float(origin), middle=middle)
    return TimeFrame(origin=float(finite[frame.mask(finite)].min()), middle=middle)
