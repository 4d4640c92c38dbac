"""Building parameter dataclasses from TOML tables: types checked, errors name the key."""

from dataclasses import dataclass

import pytest

from wiresleuth.errors import LabError
from wiresleuth.lab.params import ParamError, from_table


@dataclass(frozen=True, kw_only=True)
class Inner:
    level: int
    """A level."""

    def __post_init__(self) -> None:
        if self.level > 3:
            raise ParamError("level", "must be at most 3")


@dataclass(frozen=True, kw_only=True)
class Sample:
    name: str
    """Required text."""
    ratio: float = 1.0
    """A number; integers are accepted."""
    on: bool = False
    """A flag."""
    ports: tuple[int, ...] = ()
    """A list."""
    limit: float | None = None
    """Optional."""
    inner: tuple[Inner, ...] = ()
    """Nested tables."""


def test_values_are_converted() -> None:
    got = from_table(Sample, {"name": "x", "ratio": 2, "ports": [1, 2], "limit": 3,
                              "inner": [{"level": 1}]}, where="f.toml")  # fmt: skip
    assert got == Sample(name="x", ratio=2.0, ports=(1, 2), limit=3.0, inner=(Inner(level=1),))
    assert isinstance(got.ratio, float)


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({}, "f.toml: key 'name': missing"),
        ({"name": "x", "colour": 1}, "f.toml: key 'colour': unknown key; known keys: inner, limit"),
        ({"name": 5}, "f.toml: key 'name': must be a string, got 5"),
        ({"name": "x", "on": 1}, "key 'on': must be true/false"),
        ({"name": "x", "ratio": True}, "key 'ratio': must be a number"),
        ({"name": "x", "ports": [1, "2"]}, r"key 'ports\[1\]': must be an integer"),
        ({"name": "x", "ports": 80}, "key 'ports': must be a list of an integer"),
        ({"name": "x", "inner": [{"level": 9}]}, r"key 'inner\[0\]\.level': must be at most 3"),
        ({"name": "x", "inner": [{"lvl": 1}]}, r"key 'inner\[0\]\.lvl': unknown key"),
    ],
)
def test_errors_name_the_place_and_key(table: dict[str, object], message: str) -> None:
    with pytest.raises(LabError, match=message):
        from_table(Sample, table, where="f.toml")
