"""Build a frozen dataclass from a TOML table, with errors that name the file and the key.

Scenarios are data written by hand; a typo must say where it is, not fail deep in the lab.
Field types supported: bool, int, float, str, ``tuple[X, ...]`` of those, and ``X | None``.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from typing import Any, TypeVar

from wiresleuth.errors import LabError

T = TypeVar("T")


class ParamError(ValueError):
    """A parameter value is out of range; raised by ``__post_init__`` checks."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"key {key!r}: {problem}")
        self.key = key
        self.problem = problem


def _describe(hint: Any) -> str:
    origin = typing.get_origin(hint)
    if origin is tuple:
        return f"a list of {_describe(typing.get_args(hint)[0])}"
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_describe(a) for a in typing.get_args(hint) if a is not type(None))
    return {bool: "true/false", int: "an integer", float: "a number", str: "a string"}.get(
        hint, getattr(hint, "__name__", str(hint))
    )


def _coerce(value: Any, hint: Any, key: str) -> Any:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        for option in options:
            try:
                return _coerce(value, option, key)
            except ParamError:
                continue
        raise ParamError(key, f"must be {_describe(hint)}, got {value!r}")
    if origin is tuple:
        if not isinstance(value, list):
            raise ParamError(key, f"must be {_describe(hint)}, got {value!r}")
        item_hint = typing.get_args(hint)[0]
        return tuple(_coerce(item, item_hint, f"{key}[{n}]") for n, item in enumerate(value))
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        if not isinstance(value, dict):
            raise ParamError(key, f"must be a table, got {value!r}")
        return _build(hint, value, prefix=f"{key}.")
    if hint is bool:
        ok = isinstance(value, bool)
    elif hint is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif hint is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        value = float(value) if ok else value
    elif hint is str:
        ok = isinstance(value, str)
    else:
        raise TypeError(f"unsupported parameter type {hint!r} for {key}")
    if not ok:
        raise ParamError(key, f"must be {_describe(hint)}, got {value!r}")
    return value


def _build(
    cls: type[T], table: Mapping[str, Any], *, prefix: str = "", ignore: tuple[str, ...] = ()
) -> T:
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}  # type: ignore[arg-type]
    for key in table:
        if key not in fields and key not in ignore:
            known = ", ".join(sorted(fields)) or "(none)"
            raise ParamError(f"{prefix}{key}", f"unknown key; known keys: {known}")
    kwargs: dict[str, Any] = {}
    for name, field in fields.items():
        if name in table:
            kwargs[name] = _coerce(table[name], hints[name], f"{prefix}{name}")
        elif field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
            raise ParamError(f"{prefix}{name}", "missing")
    try:
        return cls(**kwargs)
    except ParamError as exc:
        if prefix:
            raise ParamError(f"{prefix}{exc.key}", exc.problem) from exc
        raise


def from_table(
    cls: type[T], table: Mapping[str, Any], *, where: str, ignore: tuple[str, ...] = ()
) -> T:
    """An instance of dataclass ``cls`` from ``table``; LabError naming ``where`` and the key."""
    try:
        return _build(cls, table, ignore=ignore)
    except ParamError as exc:
        raise LabError(f"{where}: {exc}") from exc
