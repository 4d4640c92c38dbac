"""How single values look in report.html: escaped text, times, durations, nested JSON.

Every value comes from a bundle (untrusted): nothing here trusts a type, and every string
leaves through ``esc``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from html import escape
from typing import Any

MAX_DEPTH = 4
"""Nesting shown as tables and lists before values fall back to compact JSON."""

_EPOCH_2001 = 978_307_200.0  # timings above this are instants, below it durations


def esc(value: Any) -> str:
    """Escape any value for HTML text or a quoted attribute."""
    return escape(str(value), quote=True)


def num(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def as_map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def utc_time(epoch: float, *, date: bool = False) -> str:
    """Epoch seconds as a UTC clock time (``09:30:01.123 UTC``), optionally with the date."""
    try:
        moment = datetime.fromtimestamp(epoch, UTC)
    except (OverflowError, OSError, ValueError):
        return str(epoch)
    text = moment.strftime("%Y-%m-%d %H:%M:%S" if date else "%H:%M:%S")
    return f"{text}.{moment.microsecond // 1000:03d} UTC"


def duration_text(seconds: float) -> str:
    """A duration in the unit an engineer would say (``0.30 ms``, ``101.2 ms``, ``3.02 s``)."""
    ms = seconds * 1000.0
    if abs(ms) < 10:
        return f"{ms:.2f} ms"
    if abs(ms) < 1000:
        return f"{ms:.1f} ms"
    return f"{seconds:.2f} s"


def timing_text(value: Any) -> str:
    """A timing from evidence: an instant (epoch seconds) as UTC time, else a duration."""
    number = num(value)
    if number is None:
        return str(value)
    return utc_time(number) if number > _EPOCH_2001 else duration_text(number)


def scalar(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def compact(value: Any, limit: int = 400) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def plain(value: Any, depth: int = 0) -> str:
    """A value as a person reads it on one line: ``1460``, ``capture, socket``,
    ``EF (46): 37``, ``0–4096`` for a pair of numbers; never Python's or JSON's brackets,
    except for what is nested too deep (compact JSON then)."""
    if is_scalar(value):
        return scalar(value)
    if depth >= 2:
        return compact(value)
    if isinstance(value, Mapping):
        return ", ".join(f"{key}: {plain(item, depth + 1)}" for key, item in value.items()) or "—"
    if isinstance(value, list | tuple):
        numbers = [num(item) for item in value]
        if len(value) == 2 and None not in numbers:
            return f"{scalar(value[0])}–{scalar(value[1])}"
        separator = "; " if any(not is_scalar(item) for item in value) else ", "
        return separator.join(plain(item, depth + 1) for item in value) or "—"
    return compact(value)


def value_html(value: Any, depth: int = 0) -> str:
    """Any JSON value as HTML: mappings as key/value lists, lists of records as tables."""
    if is_scalar(value):
        text = scalar(value)
        if "\n" in text:
            return f"<pre>{esc(text)}</pre>"
        return esc(text)
    if depth >= MAX_DEPTH:
        return f"<code>{esc(compact(value))}</code>"
    if isinstance(value, Mapping):
        if not value:
            return "—"
        rows = "".join(
            f"<dt>{esc(key)}</dt><dd>{value_html(item, depth + 1)}</dd>"
            for key, item in value.items()
        )
        return f'<dl class="kv">{rows}</dl>'
    if isinstance(value, list):
        if not value:
            return "—"
        if all(isinstance(item, Mapping) for item in value):
            return _records_table(value, depth)
        if all(is_scalar(item) for item in value):
            return esc(", ".join(scalar(item) for item in value))
        return "<ul>" + "".join(f"<li>{value_html(i, depth + 1)}</li>" for i in value) + "</ul>"
    return esc(compact(value))


def _records_table(records: Sequence[Mapping[str, Any]], depth: int) -> str:
    columns: dict[str, None] = {}
    for record in records:
        for key in record:
            columns.setdefault(str(key), None)
    head = "".join(f"<th>{esc(column)}</th>" for column in columns)
    body = []
    for record in records:
        cells = []
        for column in columns:
            item = record.get(column)
            cell = esc(scalar(item)) if is_scalar(item) else value_html(item, depth + 1)
            cells.append(f"<td>{cell}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f'<div class="table-wrap"><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def facts_html(items: Iterable[tuple[str, str]], label: str = "") -> str:
    spans = "".join(f'<span class="fact"><b>{esc(k)}</b> {esc(v)}</span>' for k, v in items)
    if not spans:
        return ""
    lead = f'<span class="note">{esc(label)}</span>' if label else ""
    return f'<div class="facts">{lead}{spans}</div>'
