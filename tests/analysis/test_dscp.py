"""dscp_name: the names of RFC 2474/2597/3246/5865/8622 code points."""

from __future__ import annotations

import pytest

from wiresleuth.analysis.dscp import dscp_name


@pytest.mark.parametrize(
    ("value", "name"),
    [
        (0, "CS0"),
        (1, "LE"),
        (8, "CS1"),
        (10, "AF11"),
        (12, "AF12"),
        (14, "AF13"),
        (16, "CS2"),
        (18, "AF21"),
        (22, "AF23"),
        (24, "CS3"),
        (26, "AF31"),
        (30, "AF33"),
        (32, "CS4"),
        (34, "AF41"),
        (36, "AF42"),
        (38, "AF43"),
        (40, "CS5"),
        (44, "VA"),
        (46, "EF"),
        (48, "CS6"),
        (56, "CS7"),
    ],
)
def test_named_code_points(value: int, name: str) -> None:
    assert dscp_name(value) == name


@pytest.mark.parametrize("value", [2, 11, 45, 47, 63])
def test_unnamed_code_points_are_numbers(value: int) -> None:
    assert dscp_name(value) == str(value)


def test_af_class_and_drop_precedence_follow_the_formula() -> None:
    # RFC 2597: AFxy = 8x + 2y
    for x in range(1, 5):
        for y in range(1, 4):
            assert dscp_name(8 * x + 2 * y) == f"AF{x}{y}"
    for x in range(8):
        assert dscp_name(8 * x) == f"CS{x}"
