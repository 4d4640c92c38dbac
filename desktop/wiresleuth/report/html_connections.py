"""The Connections section of report.html: a legend, then per connection its lanes and events.

The lanes (svg_timeline) give the shape at a glance; the table under each gives the exact
figures, since a 0.3 ms handshake and a 3 s wait cannot both be legible on one axis.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from wiresleuth.report.html_values import (
    as_list,
    duration_text,
    esc,
    facts_html,
    num,
    scalar,
    utc_time,
)
from wiresleuth.report.svg_timeline import (
    KIND_STYLES,
    dscp_colour,
    dscp_name,
    hidden_markers,
    icon_svg,
    legend_items,
    style_of,
    timeline_svg,
    zoom_window,
)

MAX_EVENT_ROWS = 300
"""Rows of a connection's event table; the capture has the rest."""


def _legend_html(connections: Sequence[Mapping[str, Any]]) -> str:
    kinds, dscps = legend_items(connections)
    spans = []
    for kind in kinds:
        style = style_of(kind)
        label = style.label if kind in KIND_STYLES else kind
        spans.append(f"<span>{icon_svg(style.shape, style.colour)}{esc(label)}</span>")
    for dscp in dscps:
        spans.append(
            f'<span><span class="swatch" style="background:{dscp_colour(dscp)}"></span>'
            f"DSCP {dscp} ({esc(dscp_name(dscp))})</span>"
        )
    return f'<div class="legend" aria-label="Legend">{"".join(spans)}</div>'


def _event_table(connection: Mapping[str, Any], zero: float) -> str:
    events = [ev for ev in as_list(connection.get("events")) if isinstance(ev, Mapping)]
    rows = []
    for event in events[:MAX_EVENT_ROWS]:
        t = num(event.get("time"))
        offset = f"{t - zero:.6f}" if t is not None else "?"
        dscp = num(event.get("dscp"))
        dscp_text = f"{int(dscp)} ({dscp_name(int(dscp))})" if dscp else ""
        packet = event.get("packet")
        length = scalar(event.get("length")) if event.get("length") else ""
        ttl = scalar(event.get("ttl")) if event.get("ttl") else ""
        rows.append(
            f'<tr><td class="num">{esc(offset)}</td>'
            f"<td>{'sent' if event.get('direction') == 'out' else 'received'}</td>"
            f"<td>{esc(event.get('kind', ''))}</td>"
            f'<td class="num">{esc(packet if packet is not None else "")}</td>'
            f'<td class="num">{esc(length)}</td><td class="num">{esc(ttl)}</td>'
            f"<td>{esc(dscp_text)}</td><td>{esc(event.get('detail', ''))}</td></tr>"
        )
    more = len(events) - MAX_EVENT_ROWS
    note = f'<p class="note">{more} more events: open capture.pcapng.</p>' if more > 0 else ""
    return (
        f"<details><summary>All {len(events)} events as a table</summary>"
        '<div class="table-wrap"><table><thead><tr><th class="num">s</th><th>direction</th>'
        '<th>event</th><th class="num">frame</th><th class="num">bytes</th>'
        '<th class="num">TTL</th><th>DSCP</th><th>detail</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>{note}</details>"
    )


def _connection_html(connection: Mapping[str, Any], zero: float | None, zero_name: str) -> str:
    start = num(connection.get("start")) or 0.0
    if zero is None:
        zero = start
    end = num(connection.get("end")) or start
    title = connection.get("label") or connection.get("id") or "Connection"
    facts = [
        ("connection", str(connection.get("id", "")).replace("->", " → ")),
        ("started", f"{utc_time(start, date=True)} ({start - zero:.6f} s since {zero_name})"),
        ("lasted", duration_text(end - start)),
    ]
    frames = as_list(connection.get("packets"))
    if frames:
        facts.append(("frames", f"{len(frames)}"))
    hidden = hidden_markers(connection)
    note = (
        f'<p class="note">The first events are drawn; {hidden} more are in the table and the '
        "capture.</p>"
        if hidden
        else ""
    )
    zoom = zoom_window(connection)
    zoomed = (
        f'<p class="zoom-title">Zoom on the first {esc(duration_text(zoom))}:</p>'
        f'<div class="lane-scroll">{timeline_svg(connection, zoom, zero, zero_name)}</div>'
        if zoom is not None
        else ""
    )
    return (
        f'<section class="card connection"><h3>{esc(title)}</h3>{facts_html(facts)}'
        f'<div class="lane-scroll">{timeline_svg(connection, None, zero, zero_name)}</div>'
        f"{zoomed}{note}{_event_table(connection, zero)}</section>"
    )


def connections_html(report: Mapping[str, Any], time_zero: float | None = None) -> str:
    """The Connections section of a report (report.json form).

    Times are seconds since ``time_zero``, frame 1 of the capture (the time base of the
    viewer and of Wireshark's ``frame.time_relative``); without it, since the run started.
    """
    connections = [c for c in as_list(report.get("connections")) if isinstance(c, Mapping)]
    if not connections:
        return "<h2>Connections</h2><p>No connection was recorded.</p>"
    zero, zero_name = time_zero, "frame 1 of the capture"
    if zero is None:
        zero, zero_name = num(report.get("started_at")), "the start of the run"
    return (
        '<h2>Connections</h2><p class="note">One lane per connection: what this computer '
        "sent above the line, what it received below. Times are seconds since "
        f"{esc(zero_name)}, as the viewer and Wireshark (frame.time_relative) show them. "
        "Hover a marker for its details.</p>"
        + _legend_html(connections)
        + "".join(_connection_html(c, zero, zero_name) for c in connections)
    )
