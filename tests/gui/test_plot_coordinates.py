import math

import numpy as np
import pytest

from wiresleuth.gui.plot_coordinates import (
    PLAUSIBLE_SPAN_S,
    TimeFrame,
    is_finite,
    time_frame,
    times_array,
)

T0 = 1_714_555_800.0


@pytest.mark.parametrize(
    ("value", "finite"),
    [(1.5, True), (3, True), (math.nan, False), (math.inf, False), (True, False), ("1", False)],
)
def test_is_finite_takes_only_real_numbers(value: object, finite: bool) -> None:
    assert is_finite(value) is finite
    assert is_finite(10**400) is False  # too large for a float


def test_wild_times_cannot_move_the_frame() -> None:
    times = times_array([T0, T0 + 1, T0 + 2, 1e308, -1e308, math.nan, "x", None])
    frame = time_frame(T0 - 0.5, times)
    assert frame.origin == T0 - 0.5 and frame.middle == T0 + 1
    assert frame.x(T0 + 2) == pytest.approx(2.5)
    assert frame.x(1e308) is None and frame.x(-1e308) is None and frame.x(math.nan) is None
    left, right = frame.limits
    assert math.isfinite(left) and math.isfinite(right) and right - left == 2 * PLAUSIBLE_SPAN_S


def test_an_origin_outside_the_recording_is_replaced_by_its_first_time() -> None:
    times = np.array([T0 + 5, T0 + 3, 1e308, -1e308])
    assert time_frame(1e308, times).origin == T0 + 3
    assert time_frame(None, times).origin == T0 + 3
    assert time_frame(0.0, times).origin == T0 + 3  # a clock at epoch 0 is not this recording


def test_two_opposite_wild_times_alone_still_make_a_frame() -> None:
    frame = time_frame(None, np.array([1e308, -1e308]))
    assert math.isfinite(frame.origin) and frame.x(frame.origin) == 0.0


def test_no_finite_time_gives_a_frame_at_the_origin_or_zero() -> None:
    assert time_frame(T0, np.array([math.nan])) == TimeFrame(origin=T0, middle=T0)
    assert time_frame(math.inf, np.array([])) == TimeFrame(origin=0.0, middle=0.0)


def test_spans_are_ordered_and_none_when_an_end_cannot_be_drawn() -> None:
    frame = TimeFrame(origin=T0, middle=T0)
    assert frame.span(T0 + 2, T0 + 1) == (1.0, 2.0)  # a negative duration, drawn left to right
    assert frame.span(T0, 1e308) is None and frame.span(math.nan, T0) is None


def test_the_mask_marks_what_can_be_drawn_without_warnings() -> None:
    frame = TimeFrame(origin=T0, middle=T0)
    epochs = np.array([T0, math.nan, math.inf, -1e308, T0 + PLAUSIBLE_SPAN_S, T0 - 1e9])
    assert frame.mask(epochs).tolist() == [True, False, False, False, True, False]
