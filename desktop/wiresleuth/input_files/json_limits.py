"""JSON from a stranger: refused when it is nested too deep, holds absurd numbers or too many
values, before the decoder spends memory or stack on it.

``json.loads`` recurses once per nesting level (a few thousand ``[`` end in RecursionError),
turns a 5000-digit number into ValueError (Python's int-string limit) and builds some 20
bytes of objects per byte of ``[{},{},...]``. The standard library has no limits to set, and
the libraries that have one fix it (orjson: 1024 levels, too deep for the code that walks the
result), so the text is measured first: strings are replaced by a letter with one regular
expression (C speed, linear), and what is left, the structure, is counted (nesting depth with numpy in
chunks, digits with a regular expression). Only then is the text decoded, by the standard
library. Every refusal is a BadInput whose message is one plain line.
"""

from __future__ import annotations

import json
import re
from typing import Any

from wiresleuth.errors import BadInput

MAX_DEPTH = 64
"""Deepest nesting of arrays and objects accepted (our own files reach about 10)."""
MAX_DIGITS = 40
"""Longest run of digits in a number (a 64-bit integer has 20; a float's repr fewer)."""
MAX_ITEMS = 2_000_000
"""Most values in one document, counted as commas plus opening brackets (a million-packet
analysis's report holds some 110 000; two million empty objects decode to about 150 MB)."""

_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_CHUNK = 1 << 20
_SMALL = 100_000
"""Brackets counted by a plain loop (about 10 ms at most): numpy takes longer to import
than that, and ``wiresleuth report`` of an ordinary bundle must not wait for it."""
_SURROGATE_START = re.compile(rb"\\u[dD][89a-fA-F]")
_SURROGATE_ESCAPES = re.compile(
    rb"(\\\\)|\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}"
    rb"|(\\u[dD][89a-fA-F][0-9a-fA-F]{2})"
)


def _depth(structure: bytes) -> int:
    """The deepest nesting of the brackets in ``structure`` (strings already blanked)."""
    brackets = structure.translate(None, _NOT_BRACKETS)
    if len(brackets) < _SMALL:
        depth = deepest = 0
        for byte in brackets:
            depth += 1 if byte in b"[{" else -1
            deepest = max(deepest, depth)
        return deepest
    import numpy as np

    base = deepest = 0
    for start in range(0, len(brackets), _CHUNK):
        chunk = np.frombuffer(brackets, dtype=np.uint8, count=min(_CHUNK, len(brackets) - start),
                              offset=start)  # fmt: skip
        steps = np.where((chunk == ord("[")) | (chunk == ord("{")), 1, -1).astype(np.int32)
        levels = np.cumsum(steps, dtype=np.int64) + base
        deepest = max(deepest, int(levels.max()))
        base = int(levels[-1])
    return deepest


def _lone_surrogate(data: bytes) -> bytes | None:
    r"""The first ``\uD800``-``\uDFFF`` escape that is not half of a pair (such a string cannot
    be written out as UTF-8 later, by any printer or widget)."""
    if not _SURROGATE_START.search(data):
        return None
    for match in _SURROGATE_ESCAPES.finditer(data):
        if match.group(2):
            return match.group(2)
    return None


def check_json(
    data: bytes,
    *,
    max_depth: int = MAX_DEPTH,
    max_digits: int = MAX_DIGITS,
    max_items: int = MAX_ITEMS,
) -> None:
    """BadInput when UTF-8 JSON text ``data`` exceeds a limit or cannot be valid JSON."""
    structure = _STRING.sub(b"S", data)
    if b'"' in structure:
        raise BadInput("not valid JSON (a string is not terminated)")
    if re.search(rb"\d{%d}" % (max_digits + 1), structure):
        raise BadInput(f"not accepted: it holds a number longer than {max_digits} digits")
    items = structure.count(b",") + structure.count(b"[") + structure.count(b"{")
    if items > max_items:
        raise BadInput(f"not accepted: it holds more than {max_items} values ({items})")
    depth = _depth(structure)
    if depth > max_depth:
        raise BadInput(f"not accepted: it is nested {depth} levels deep (at most {max_depth})")
    lone = _lone_surrogate(data)
    if lone is not None:
        raise BadInput(f"not valid JSON (a lone UTF-16 surrogate {lone.decode('ascii')})")


def loads_bounded(
    data: bytes,
    *,
    max_depth: int = MAX_DEPTH,
    max_digits: int = MAX_DIGITS,
    max_items: int = MAX_ITEMS,
) -> Any:
    """JSON from UTF-8 bytes, within the limits; BadInput (one line) otherwise."""
    check_json(data, max_depth=max_depth, max_digits=max_digits, max_items=max_items)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadInput(f"not valid JSON (not UTF-8 text: {exc})") from exc
    try:
        # NaN and Infinity (and 1e999) read as Python reads them: the readers after this
        # one take non-finite numbers (the viewer says which times it cannot draw).
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadInput(f"not valid JSON ({exc})") from exc
    except (ValueError, RecursionError) as exc:  # the int-string limit; the stack: limits above
        raise BadInput(f"not accepted ({exc})") from exc
