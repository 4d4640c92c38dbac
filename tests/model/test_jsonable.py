"""Every model type goes to JSON and back unchanged (``to_jsonable`` / ``from_jsonable``).

The types are found by walking the ``wiresleuth.model`` package, so a type added tomorrow is
tested the day it lands: if its fields use a type the codec cannot read back, ``sample``
below cannot make one, or the round trip differs, and this test fails naming it.
"""

from __future__ import annotations

import dataclasses
import enum
import importlib
import json
import math
import pkgutil
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

import wiresleuth.model
from wiresleuth.bundle.serialize import jsonable
from wiresleuth.model.finding import Evidence, Finding, Severity
from wiresleuth.model.jsonable import JsonableError, from_jsonable, to_jsonable
from wiresleuth.model.observations import ConnectObservation, PathRttObservation


def model_dataclasses() -> list[type]:
    """Every dataclass defined in a module of the model package."""
    found: list[type] = []
    for info in pkgutil.iter_modules(wiresleuth.model.__path__):
        module = importlib.import_module(f"wiresleuth.model.{info.name}")
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and dataclasses.is_dataclass(value)
                and value.__module__ == module.__name__
            ):
                found.append(value)
    return sorted(found, key=lambda kind: (kind.__module__, kind.__name__))


def sample(kind: Any, name: str, depth: int = 0) -> Any:
    """A value of ``kind`` with nothing left at its default (so every field is exercised)."""
    origin = typing.get_origin(kind)
    args = typing.get_args(kind)
    if kind is Any:
        return {"any": [1, "two", None, 3.5], "name": name}
    if origin is typing.Union or origin is types.UnionType:
        return sample(next(a for a in args if a is not type(None)), name, depth)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            if depth >= 4:  # a recursive type (a tree of DetailNode) ends in leaves
                return ()
            return (sample(args[0], name + "0", depth), sample(args[0], name + "1", depth))
        return tuple(sample(a, f"{name}{i}", depth) for i, a in enumerate(args))
    if origin in (list, set, frozenset):
        return origin([sample(args[0], name, depth)])
    if isinstance(origin, type) and issubclass(origin, Mapping):
        return {sample(args[0], "key", depth): sample(args[1], name, depth)}
    if kind is str:
        return f"{name}-text"
    if kind is bool:
        return True
    if kind is int:
        return 7 + len(name)
    if kind is float:
        return 1.25 + len(name)
    if kind is bytes:
        return b"\x00\xff" + name.encode()
    if isinstance(kind, type) and issubclass(kind, Path):
        return Path("/tmp") / name
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return list(kind)[-1]
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        assert depth < 8, f"{kind.__name__} nests too deep"
        hints = typing.get_type_hints(kind)
        return kind(
            **{
                f.name: sample(hints[f.name], f.name, depth + 1)
                for f in dataclasses.fields(kind)
                if f.init
            }
        )
    raise AssertionError(f"no sample for {kind!r} ({name}): teach the codec and this test")


TYPES = model_dataclasses()


def test_the_walk_finds_the_observation_types() -> None:
    names = {kind.__name__ for kind in TYPES}
    assert len(TYPES) >= 40
    assert {"TlsWizardObservations", "PacWizardObservations", "RunResult"} <= names


@pytest.mark.parametrize("kind", TYPES, ids=lambda kind: f"{kind.__module__}.{kind.__name__}")
def test_every_model_type_round_trips_through_json(kind: type) -> None:
    original = sample(kind, kind.__name__)
    data = json.loads(json.dumps(jsonable(original), allow_nan=False))
    assert from_jsonable(kind, data) == original


def test_missing_fields_take_their_default_and_unknown_keys_are_ignored() -> None:
    data = {"address": "198.18.0.9", "port": 443, "started_at": 1.0, "added_later": 1}
    assert from_jsonable(ConnectObservation, data) == ConnectObservation(
        address="198.18.0.9", port=443, started_at=1.0
    )


def test_what_does_not_fit_is_named_with_its_path() -> None:
    finding = Finding(
        id="x.y",
        severity=Severity.INFO,
        title="t",
        user_text="u",
        engineer_text="e",
        wizard="w",
        evidence=(Evidence(text="a", packets=(1, 2)),),
    )
    data = to_jsonable(finding)
    data["evidence"][0]["packets"][1] = "two"
    with pytest.raises(JsonableError, match=r"Finding\.evidence\[0\]\.packets\[1\]: expected int"):
        from_jsonable(Finding, data)
    data = to_jsonable(finding)
    del data["wizard"]
    with pytest.raises(JsonableError, match=r"Finding\.wizard: missing"):
        from_jsonable(Finding, data)
    data = to_jsonable(finding)
    data["severity"] = "fatal"
    with pytest.raises(JsonableError, match="is not a Severity"):
        from_jsonable(Finding, data)


def test_a_non_finite_float_comes_back_as_nan() -> None:
    rtt = PathRttObservation(address="a", method="icmp", samples=(math.inf, 0.1))
    back = from_jsonable(PathRttObservation, jsonable(rtt))
    assert math.isnan(back.samples[0]) and back.samples[1] == 0.1
