"""Model objects to JSON-ready data and back: bytes become text and hex, never raw.

``to_jsonable`` writes what report.json holds; ``from_jsonable`` reads it back into the same
classes, led by the type annotations of the dataclasses (the JSON carries no type names), so
a saved bundle can be analysed again with the objects a run had in memory. It is written by
hand because it must read exactly what ``to_jsonable`` writes (bytes as ``{"text", "hex"}``,
string keys for every mapping) and nothing looser; general libraries (cattrs, dacite)
define their own wire forms.

What does not come back as it was: non-finite floats (strict JSON writes them as null; a
float field then reads NaN) and whatever sits in a field typed ``Any`` (it keeps its JSON
form: bytes stay ``{"text", "hex"}``).
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import math
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


def to_jsonable(value: Any) -> Any:
    """Recursively convert dataclasses, enums, tuples and bytes into JSON types."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, bytes | bytearray):
        return {"text": bytes(value).decode("latin-1"), "hex": bytes(value).hex()}
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


class JsonableError(ValueError):
    """JSON data that does not fit the type it is read as; the message names where."""


def from_jsonable(kind: type[T], data: Any) -> T:
    """``data`` (what ``to_jsonable`` made of a ``kind``, through JSON) as a ``kind`` again.

    Fields missing from the data take their default (data written before the field
    existed); keys the class does not know are ignored (data written by a later version).
    JsonableError names the path of the first value that does not fit.
    """
    return typing.cast(T, _read(kind, data, kind.__name__))


def _read(kind: Any, data: Any, where: str) -> Any:
    if kind is Any or kind is object:
        return data
    origin = typing.get_origin(kind)
    if origin is typing.Union or origin is types.UnionType:
        return _union(typing.get_args(kind), data, where)
    if kind is type(None):
        if data is not None:
            raise JsonableError(f"{where}: expected null, got {_shown(data)}")
        return None
    if origin is not None:
        return _generic(origin, typing.get_args(kind), data, where)
    if isinstance(kind, type):
        if dataclasses.is_dataclass(kind):
            return _dataclass(kind, data, where)
        if issubclass(kind, enum.Enum):
            try:
                return kind(data)
            except ValueError as exc:
                raise JsonableError(f"{where}: {_shown(data)} is not a {kind.__name__}") from exc
        return _scalar(kind, data, where)
    raise JsonableError(f"{where}: cannot read the type {kind!r}")


def _union(arms: tuple[Any, ...], data: Any, where: str) -> Any:
    if data is None and type(None) in arms:
        return None
    errors = []
    for arm in arms:
        if arm is type(None):
            continue
        try:
            return _read(arm, data, where)
        except JsonableError as exc:
            errors.append(str(exc))
    raise JsonableError("; ".join(errors) or f"{where}: {_shown(data)} fits no alternative")


def _generic(origin: Any, args: tuple[Any, ...], data: Any, where: str) -> Any:
    if origin is typing.ClassVar:
        raise JsonableError(f"{where}: a ClassVar is not data")
    if isinstance(origin, type) and issubclass(origin, Mapping):
        if not isinstance(data, dict):
            raise JsonableError(f"{where}: expected an object, got {_shown(data)}")
        key_type, value_type = args if args else (str, Any)
        return {
            _key(key_type, key, where): _read(value_type, value, f"{where}[{key!r}]")
            for key, value in data.items()
        }
    if origin in (tuple, list, set, frozenset):
        if not isinstance(data, list):
            raise JsonableError(f"{where}: expected a list, got {_shown(data)}")
        if origin is tuple and args and not (len(args) == 2 and args[1] is Ellipsis):
            if len(args) != len(data):
                raise JsonableError(f"{where}: expected {len(args)} items, got {len(data)}")
            return tuple(
                _read(arg, item, f"{where}[{i}]")
                for i, (arg, item) in enumerate(zip(args, data, strict=True))
            )
        item_type = args[0] if args else Any
        items = [_read(item_type, item, f"{where}[{i}]") for i, item in enumerate(data)]
        return origin(items)
    raise JsonableError(f"{where}: cannot read the type {origin!r}")


def _key(kind: Any, key: str, where: str) -> Any:
    """A mapping key: ``to_jsonable`` wrote ``str(key)``."""
    if kind in (str, Any):
        return key
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return _read(kind, key, where)
    try:
        if kind is int:
            return int(key)
        if kind is float:
            return float(key)
    except ValueError as exc:
        raise JsonableError(f"{where}: key {key!r} is not a {kind.__name__}") from exc
    raise JsonableError(f"{where}: cannot read keys of type {kind!r}")


def _scalar(kind: type, data: Any, where: str) -> Any:
    if kind is bool:
        if isinstance(data, bool):
            return data
    elif kind is int:
        if isinstance(data, int) and not isinstance(data, bool):
            return data
    elif kind is float:
        if data is None:
            return math.nan  # strict JSON wrote a non-finite float as null
        if isinstance(data, int | float) and not isinstance(data, bool):
            return float(data)
    elif kind is str:
        if isinstance(data, str):
            return data
    elif kind is bytes:
        return _bytes(data, where)
    elif issubclass(kind, Path):
        if isinstance(data, str):
            return kind(data)
    else:
        raise JsonableError(f"{where}: cannot read the type {kind.__name__}")
    raise JsonableError(f"{where}: expected {kind.__name__}, got {_shown(data)}")


def _bytes(data: Any, where: str) -> bytes:
    if isinstance(data, dict) and isinstance(data.get("hex"), str):
        try:
            return bytes.fromhex(data["hex"])
        except ValueError as exc:
            raise JsonableError(f"{where}: 'hex' is not hexadecimal") from exc
    raise JsonableError(f"{where}: expected bytes as {{text, hex}}, got {_shown(data)}")


@functools.cache
def _hints(kind: type) -> dict[str, Any]:
    return typing.get_type_hints(kind)


def _dataclass(kind: type, data: Any, where: str) -> Any:
    if not isinstance(data, dict):
        raise JsonableError(f"{where}: expected an object, got {_shown(data)}")
    hints = _hints(kind)
    values: dict[str, Any] = {}
    for field in dataclasses.fields(kind):
        if not field.init:
            continue
        if field.name not in data:
            if (
                field.default is dataclasses.MISSING
                and field.default_factory is dataclasses.MISSING
            ):
                raise JsonableError(f"{where}.{field.name}: missing")
            continue
        values[field.name] = _read(hints[field.name], data[field.name], f"{where}.{field.name}")
    try:
        return kind(**values)
    except (TypeError, ValueError) as exc:
        raise JsonableError(f"{where}: {exc}") from exc


def _shown(data: Any) -> str:
    text = repr(data)
    return text if len(text) <= 60 else text[:57] + "..."
