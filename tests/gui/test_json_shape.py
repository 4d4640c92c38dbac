import math

import pytest

from wiresleuth.gui.json_shape import (
    MAX_PROBLEMS,
    Shape,
    ShapeError,
    describe,
    required_list,
    section,
)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (None, "null"),
        (False, "true/false (false)"),
        (1e308, "a number (1e+308)"),
        ("x" * 100, "text ('" + "x" * 38 + "…)"),  # a quote of 40 characters at most
        ([1, 2], "a list of 2"),
        ({"a": 1}, "an object"),
    ],
)
def test_values_are_described_in_words(value: object, words: str) -> None:
    assert describe(value) == words


def test_absent_values_are_not_problems() -> None:
    shape = Shape()
    assert shape.mapping(None, "a") is None and shape.items(None, "b") == []
    assert shape.number(None, "c") is None and shape.text(None, "d") == ""
    assert shape.problems == ()


def test_each_value_of_another_shape_is_noted_where_it_is() -> None:
    shape = Shape()
    assert shape.mapping([1], "m") is None
    assert shape.items({"a": 1}, "l") == []
    assert shape.number("3", "n") is None
    assert shape.number(math.nan, "nan") is None
    assert shape.number(10**400, "big") is None
    assert shape.whole(2.5, "w", 0, 10) is None
    assert shape.whole(11, "w2", 0, 10) is None
    assert shape.text({"x": 1}, "t") == ""
    assert shape.problems == (
        "m is a list of 1, not an object",
        "l is an object, not a list",
        "n is text ('3'), not a number",
        "nan is a number (nan), not a finite number",
        "big is a number (1" + "0" * 38 + "…), not a finite number",
        "w is a number (2.5), not a whole number from 0 to 10",
        "w2 is a number (11), not a whole number from 0 to 10",
        "t is an object, not text",
    )


def test_numbers_and_flags_are_text_as_written() -> None:
    shape = Shape()
    assert (shape.text(443, "p"), shape.text(True, "f"), shape.text(0.5, "x")) == (
        "443",
        "true",
        "0.5",
    )
    assert shape.whole(1500.0, "mtu", 0, 65535) == 1500 and shape.problems == ()


def test_many_problems_are_counted_after_the_first_few() -> None:
    shape = Shape()
    for index in range(MAX_PROBLEMS + 5):
        shape.number("x", f"v{index}")
    assert len(shape.problems) == MAX_PROBLEMS + 1 and shape.problems[-1] == "and 5 more"


def test_a_part_of_another_shape_is_an_error_that_says_why() -> None:
    assert section({}, "mtu") is None and section({"mtu": {}}, "mtu") == {}
    with pytest.raises(ShapeError, match="the measurements of 'mtu' are text"):
        section({"mtu": "x"}, "mtu")
    assert required_list(None, "x") == [] and required_list((1,), "x") == [1]
    with pytest.raises(ShapeError, match="targets is an object, not a list"):
        required_list({}, "targets")
