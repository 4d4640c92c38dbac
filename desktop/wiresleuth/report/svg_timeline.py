"""A connection's timeline as inline SVG: one lane from the connection's start to its end.

Times are written as the viewer and Wireshark write them: seconds since frame 1 of the
capture (``frame.time_relative``; without a capture, since the run started), the
``time_zero`` the report is rendered with. The lane spans the connection alone, so its ticks
fall on round values of that one time base.

Sent packets sit above the lane's centre line, received ones below; markers that would
overlap stack into rows. The shape says the event kind (see ``legend_items``), the colour
says the kind too unless the packet carries a DSCP mark, which then takes over the colour:
a marked packet is what an engineer hunts for (C1). Each marker has a <title> tooltip.

Input is a connection as it stands in report.json (bundle content, untrusted): every value
is coerced and escaped; nothing here trusts a type.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

WIDTH = 1000
"""Width of the SVG coordinate system (the SVG scales to its container)."""
LEFT = 92
RIGHT = 24
ROW = 19
MAX_ROWS = 5
MAX_MARKERS = 400
"""Markers drawn per lane; the rest are counted in a note (the capture has them all)."""

_PLOT = WIDTH - LEFT - RIGHT


@dataclass(frozen=True, kw_only=True)
class KindStyle:
    """How one event kind is drawn."""

    shape: str
    """circle, ring, square, box, diamond, hollow-diamond, triangle, hollow-triangle, bar,
    cross or plus."""
    colour: str
    """CSS colour when the packet has no DSCP mark."""
    label: str
    """Words for the legend."""


KIND_STYLES: Mapping[str, KindStyle] = {
    "syn": KindStyle(shape="circle", colour="#1d4ed8", label="SYN"),
    "syn-ack": KindStyle(shape="circle", colour="#0e7490", label="SYN-ACK"),
    "ack": KindStyle(shape="ring", colour="#6b7280", label="ACK"),
    "client-hello": KindStyle(shape="square", colour="#4338ca", label="ClientHello"),
    "server-hello": KindStyle(shape="square", colour="#15803d", label="ServerHello"),
    "certificate": KindStyle(shape="box", colour="#15803d", label="Certificate"),
    "change-cipher-spec": KindStyle(shape="box", colour="#6b7280", label="ChangeCipherSpec"),
    "alert": KindStyle(shape="diamond", colour="#b91c1c", label="TLS alert"),
    "first-data": KindStyle(shape="triangle", colour="#15803d", label="first data"),
    "data": KindStyle(shape="triangle", colour="#475569", label="data"),
    "app-send": KindStyle(shape="hollow-triangle", colour="#1d4ed8", label="program sent"),
    "fin": KindStyle(shape="bar", colour="#334155", label="FIN"),
    "rst": KindStyle(shape="cross", colour="#dc2626", label="RST"),
    "retransmission": KindStyle(shape="diamond", colour="#ea580c", label="retransmission"),
    "dup-ack": KindStyle(shape="hollow-diamond", colour="#ea580c", label="duplicate ACK"),
    "out-of-order": KindStyle(shape="hollow-diamond", colour="#a16207", label="out of order"),
    "icmp": KindStyle(shape="plus", colour="#92400e", label="ICMP"),
}
"""Style per event kind, in legend order."""

UNKNOWN_STYLE = KindStyle(shape="ring", colour="#111827", label="other")
"""Style of a kind this version does not know."""

_DSCP_COLOURS = ("#d97706", "#0891b2", "#65a30d", "#9333ea", "#db2777", "#854d0e")
_EF_COLOUR = "#c026d3"


def dscp_name(dscp: int) -> str:
    """The code point's usual name (EF, AF41, CS6, ...), or its number."""
    if dscp == 46:
        return "EF"
    if dscp == 44:
        return "VOICE-ADMIT"
    if dscp == 1:
        return "LE"
    if dscp % 8 == 0 and 0 < dscp < 64:
        return f"CS{dscp // 8}"
    klass, drop = divmod(dscp, 8)
    if 1 <= klass <= 4 and drop in (2, 4, 6):
        return f"AF{klass}{drop // 2}"
    return str(dscp)


def dscp_colour(dscp: int) -> str:
    """The colour a marker with this non-zero DSCP is drawn in."""
    return _EF_COLOUR if dscp == 46 else _DSCP_COLOURS[dscp % len(_DSCP_COLOURS)]


def style_of(kind: str) -> KindStyle:
    """The style of an event kind (UNKNOWN_STYLE for kinds this version does not know)."""
    return KIND_STYLES.get(kind, UNKNOWN_STYLE)


def _num(value: Any, default: float = 0.0) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return default
    return float(value) if math.isfinite(value) else default


def _int(value: Any) -> int:
    return int(_num(value))


def _attr(value: str) -> str:
    return escape(value, quote=True)


def marker(shape: str, x: float, y: float, colour: str, size: float = 6.5) -> str:
    """One marker of the given shape centred on (x, y)."""
    s = size
    fill = f'fill="{colour}" stroke="#ffffff" stroke-width="1"'
    hollow = f'fill="#ffffff" stroke="{colour}" stroke-width="2.2"'
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{s:.1f}" {fill}/>'
    if shape == "ring":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{s - 1:.1f}" {hollow}/>'
    if shape in ("square", "box"):
        paint = fill if shape == "square" else hollow
        side = s * 1.6
        return (
            f'<rect x="{x - side / 2:.1f}" y="{y - side / 2:.1f}" width="{side:.1f}" '
            f'height="{side:.1f}" {paint}/>'
        )
    if shape in ("diamond", "hollow-diamond"):
        paint = fill if shape == "diamond" else hollow
        d = s * 1.25
        return (
            f'<path d="M{x:.1f},{y - d:.1f} L{x + d:.1f},{y:.1f} L{x:.1f},{y + d:.1f} '
            f'L{x - d:.1f},{y:.1f} Z" {paint}/>'
        )
    if shape in ("triangle", "hollow-triangle"):
        paint = fill if shape == "triangle" else hollow
        d = s * 1.2
        return (
            f'<path d="M{x:.1f},{y - d:.1f} L{x + d:.1f},{y + d * 0.8:.1f} '
            f'L{x - d:.1f},{y + d * 0.8:.1f} Z" {paint}/>'
        )
    if shape == "bar":
        return (
            f'<rect x="{x - 1.8:.1f}" y="{y - s * 1.2:.1f}" width="3.6" '
            f'height="{s * 2.4:.1f}" fill="{colour}"/>'
        )
    if shape == "cross":
        d = s * 0.95
        return (
            f'<path d="M{x - d:.1f},{y - d:.1f} L{x + d:.1f},{y + d:.1f} M{x - d:.1f},'
            f'{y + d:.1f} L{x + d:.1f},{y - d:.1f}" fill="none" stroke="{colour}" '
            f'stroke-width="3" stroke-linecap="round"/>'
        )
    d = s * 1.05  # plus
    return (
        f'<path d="M{x - d:.1f},{y:.1f} L{x + d:.1f},{y:.1f} M{x:.1f},{y - d:.1f} '
        f'L{x:.1f},{y + d:.1f}" fill="none" stroke="{colour}" stroke-width="3" '
        f'stroke-linecap="round"/>'
    )


def icon_svg(shape: str, colour: str) -> str:
    """A 16-px legend icon for a marker shape."""
    return (
        '<svg class="icon" width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">'
        f"{marker(shape, 8, 8, colour, 5)}</svg>"
    )


def nice_step(span_ms: float, ticks: int = 8) -> float:
    """A 1-2-5 step that divides ``span_ms`` into about ``ticks`` intervals."""
    raw = max(span_ms, 1e-6) / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * magnitude >= raw:
            return float(factor * magnitude)
    return float(10 * magnitude)


def ms_label(value: float, step: float) -> str:
    """A tick label with as many decimals as the step needs."""
    decimals = 0 if step >= 1 else min(6, -math.floor(math.log10(step)))
    return f"{value:,.{decimals}f}"


def seconds_label(value_ms: float, step_ms: float) -> str:
    """A tick at ``value_ms`` written in seconds, with the decimals a ``step_ms`` step needs."""
    step = step_ms / 1000
    decimals = 0 if step >= 1 else min(6, -math.floor(math.log10(step)))
    return f"{value_ms / 1000:,.{decimals}f}"


def relative_time(seconds: float) -> str:
    """A time since frame 1 as the packet list and Wireshark write it (microseconds)."""
    return f"{seconds:.6f} s"


def _tooltip(event: Mapping[str, Any], since_zero: float) -> str:
    kind = str(event.get("kind", "?"))
    direction = "sent" if event.get("direction") == "out" else "received"
    parts = [
        f"{style_of(kind).label if kind in KIND_STYLES else kind} {direction}",
        f"at {relative_time(since_zero)}",
    ]
    packet = event.get("packet")
    if isinstance(packet, int) and not isinstance(packet, bool):
        parts.append(f"frame {packet}")
    length = _int(event.get("length"))
    if length:
        parts.append(f"{length} bytes")
    ttl = _int(event.get("ttl"))
    if ttl:
        parts.append(f"TTL {ttl}")
    dscp = _int(event.get("dscp"))
    if dscp:
        parts.append(f"DSCP {dscp} ({dscp_name(dscp)})")
    detail = str(event.get("detail") or "")
    if detail:
        parts.append(detail)
    return " · ".join(parts)


def _place(xs: Sequence[float], gap: float) -> list[int]:
    """Row per marker so that markers in one row are at least ``gap`` apart."""
    last: list[float] = []
    rows = []
    for x in xs:
        for row, previous in enumerate(last):
            if x - previous >= gap:
                last[row] = x
                rows.append(row)
                break
        else:
            if len(last) < MAX_ROWS:
                last.append(x)
                rows.append(len(last) - 1)
            else:
                rows.append(MAX_ROWS - 1)
                last[-1] = x
    return rows


def _events(connection: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    events = connection.get("events")
    if not isinstance(events, list):
        return []
    usable = [e for e in events if isinstance(e, Mapping)]
    return sorted(usable, key=lambda e: _num(e.get("time")))


def zoom_window(connection: Mapping[str, Any]) -> float | None:
    """Seconds from the start worth a second, zoomed lane, or None.

    A handshake that completes in 0.3 ms followed by a reset 3 s later (C6, C8) draws as one
    blob at zero: when the events before the largest gap span under a tenth of the
    connection, the report zooms on them.
    """
    events = _events(connection)
    if len(events) < 3:
        return None
    start = _num(connection.get("start"), _num(events[0].get("time")))
    offsets = [max(0.0, _num(e.get("time"), start) - start) for e in events]
    span = max(offsets)
    if span <= 0:
        return None
    gaps = [(offsets[i + 1] - offsets[i], i) for i in range(len(offsets) - 1)]
    _, before = max(gaps)
    cluster_end = offsets[before]
    if before < 1 or cluster_end > span / 10:
        return None
    return max(cluster_end * 1.25, 1e-4)


def timeline_svg(
    connection: Mapping[str, Any],
    until: float | None = None,
    time_zero: float | None = None,
    zero_name: str = "frame 1 of the capture",
) -> str:
    """The SVG lane of one connection (report.json form); only its first ``until`` s if given.

    Times are written as seconds since ``time_zero`` (``zero_name`` says what it is: frame 1
    of the capture); without one, since the connection's first event.
    """
    if time_zero is None:
        zero_name = "the connection's first event"
    events = _events(connection)
    first = _num(events[0].get("time")) if events else 0.0
    start = _num(connection.get("start"), first)
    zero = time_zero if time_zero is not None and math.isfinite(time_zero) else start
    if until is not None:
        events = [e for e in events if _num(e.get("time"), start) - start <= until]
    shown = events[:MAX_MARKERS]
    times = [_num(e.get("time"), start) for e in shown]
    latest = max([_num(connection.get("end"), start), *times])
    end = start + until if until is not None else latest
    span_ms = max((end - start) * 1000.0, 1e-3)
    step = nice_step(span_ms)
    axis_end = math.ceil(span_ms / step - 1e-9) * step
    offset_ms = (start - zero) * 1000.0  # where the lane starts, in the report's time base
    if not math.isfinite(offset_ms) or abs(offset_ms) > 1e15:
        offset_ms = 0.0

    def x_of(t: float) -> float:
        return LEFT + (t - start) * 1000.0 / axis_end * _PLOT

    outs = [(e, t) for e, t in zip(shown, times, strict=True) if e.get("direction") == "out"]
    ins = [(e, t) for e, t in zip(shown, times, strict=True) if e.get("direction") != "out"]
    out_rows = _place([x_of(t) for _, t in outs], 16.0)
    in_rows = _place([x_of(t) for _, t in ins], 16.0)
    n_out = max(out_rows, default=-1) + 1 or 1
    n_in = max(in_rows, default=-1) + 1 or 1
    top = 12
    centre = top + n_out * ROW + 6
    axis_y = centre + 6 + n_in * ROW + 6
    height = axis_y + 38

    label = str(connection.get("label") or connection.get("id") or "connection")
    parts = [
        f'<svg class="timeline" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" role="img" '
        f'aria-label="{_attr("Timeline of " + label)}" xmlns="http://www.w3.org/2000/svg">',
        f'<rect x="{LEFT}" y="{top - 6}" width="{_PLOT}" height="{axis_y - top}" '
        'fill="#f8fafc" stroke="#e2e8f0"/>',
        f'<text x="{LEFT - 8}" y="{top + n_out * ROW / 2 + 4:.1f}" text-anchor="end" '
        'class="lane-label">sent ▲</text>',
        f'<text x="{LEFT - 8}" y="{centre + 6 + n_in * ROW / 2 + 4:.1f}" text-anchor="end" '
        'class="lane-label">received ▼</text>',
        f'<line x1="{LEFT}" y1="{centre}" x2="{LEFT + _PLOT}" y2="{centre}" '
        'stroke="#94a3b8" stroke-width="1.5"/>',
    ]
    tick = math.ceil(offset_ms / step - 1e-9) * step  # the first round value on the lane
    for _ in range(64):  # bounded: nice_step gives about 8 intervals
        if tick - offset_ms > axis_end + step / 2:
            break
        x = LEFT + (tick - offset_ms) / axis_end * _PLOT
        parts.append(
            f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{axis_y + 4}" '
            'stroke="#e2e8f0" stroke-width="1"/>'
            f'<text x="{x:.1f}" y="{axis_y + 18}" text-anchor="middle" class="tick">'
            f"{escape(seconds_label(tick, step))}</text>"
        )
        tick += step
    parts.append(
        f'<text x="{LEFT + _PLOT}" y="{axis_y + 34}" text-anchor="end" class="axis-title">'
        f"seconds since {escape(zero_name)}</text>"
    )
    for group, rows, sign in ((outs, out_rows, -1), (ins, in_rows, 1)):
        for (event, t), row in zip(group, rows, strict=True):
            x = x_of(t)
            y = centre + sign * (ROW * row + ROW / 2 + 3)
            kind = str(event.get("kind", ""))
            dscp = _int(event.get("dscp"))
            style = style_of(kind)
            colour = dscp_colour(dscp) if dscp else style.colour
            parts.append(
                f'<g class="ev"><title>{escape(_tooltip(event, t - zero))}</title>'
                f'<line x1="{x:.1f}" y1="{centre}" x2="{x:.1f}" y2="{y:.1f}" '
                f'stroke="{colour}" stroke-width="1" opacity="0.5"/>'
                f"{marker(style.shape, x, y, colour)}</g>"
            )
    parts.append("</svg>")
    return "".join(parts)


def hidden_markers(connection: Mapping[str, Any]) -> int:
    """How many events of the connection the lane leaves out (beyond MAX_MARKERS)."""
    return max(0, len(_events(connection)) - MAX_MARKERS)


def legend_items(connections: Iterable[Mapping[str, Any]]) -> tuple[list[str], list[int]]:
    """Event kinds (legend order, unknown kinds last) and non-zero DSCP values present."""
    kinds: set[str] = set()
    dscps: set[int] = set()
    for connection in connections:
        for event in _events(connection):
            kinds.add(str(event.get("kind", "")))
            dscp = _int(event.get("dscp"))
            if dscp:
                dscps.add(dscp)
    known = [kind for kind in KIND_STYLES if kind in kinds]
    unknown = sorted(kinds - set(KIND_STYLES))
    return known + unknown, sorted(dscps)
