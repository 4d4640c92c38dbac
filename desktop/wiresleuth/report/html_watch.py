"""report.html's section for a watch: each address's attempts in order, the failures grouped.

Read from report.json's ``watch`` with the model's own reader (``from_jsonable``); a watch
that does not fit its type is said to be unreadable, never half shown. Other bundles have
no such section.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wiresleuth.model.jsonable import JsonableError, from_jsonable
from wiresleuth.model.watch import WatchSummary
from wiresleuth.report.html_values import esc, utc_time

STRIP = 200
"""Attempts shown per address (the most recent)."""


def _where(target: str, address: str) -> str:
    place = target or "the PAC file"
    return f"{place} at {address}" if address else place


def watch_html(report: Mapping[str, Any]) -> str:
    """The section, or "" when the report is not a watch's."""
    raw = report.get("watch")
    if raw is None:
        return ""
    try:
        watch = from_jsonable(WatchSummary, raw)
    except JsonableError as exc:
        return f'<h2>Watch</h2><p class="note">The watch could not be read: {esc(exc)}</p>'
    settings = watch.settings
    failed = sum(1 for a in watch.attempts if not a.ok and not a.cancelled)
    how = "stopped early" if settings.ended == "cancelled" else "finished"
    intro = (
        f"<p>A watch ({esc(how)}): {watch.attempts_total} attempt(s) every "
        f"{settings.every:g} s from {esc(utc_time(settings.started_at, date=True))} to "
        f"{esc(utc_time(settings.finished_at, date=True))}; {failed} failed. Each failure "
        "started a full diagnosis at once: the findings above are theirs.</p>"
    )
    strips: dict[tuple[str, str], list[str]] = {}
    for attempt in watch.attempts:
        for result in attempt.results:
            marks = strips.setdefault((result.target, result.address), [])
            marks.append("✓" if result.ok else "✗")
    rows = [
        f"<tr><td>{esc(_where(t, a))}</td><td><code>{''.join(marks[-STRIP:])}</code></td></tr>"
        for (t, a), marks in sorted(strips.items())
    ]
    attempts = (
        '<div class="table-wrap"><table class="checks"><thead><tr><th>Address</th>'
        f"<th>Attempts, oldest first (✓ worked, ✗ failed; the last {STRIP})</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )
    groups = []
    for group in watch.groups:
        differed = group.differed
        worked = utc_time(group.last_worked, date=True) if group.last_worked else "never"
        groups.append(
            f"<tr><td>{esc(group.title or group.signature)} <code>{esc(group.signature)}</code>"
            f"</td><td>{esc(_where(group.target, group.address))}</td><td>{group.count} failed, "
            f"{group.worked} worked</td><td>{esc(utc_time(group.first, date=True))}</td>"
            f"<td>{esc(utc_time(group.last, date=True))}</td><td>{esc(worked)}</td>"
            f"<td>{esc(differed)}</td></tr>"
        )
    grouped = (
        '<div class="table-wrap"><table class="checks"><thead><tr><th>What failed</th>'
        "<th>Where</th><th>Times</th><th>First failed</th><th>Last failed</th>"
        "<th>Last worked</th><th>What differed from the nearest working attempt</th></tr>"
        f"</thead><tbody>{''.join(groups)}</tbody></table></div>"
        if groups
        else "<p>Every attempt worked.</p>"
    )
    return f'<h2>Watch</h2><section class="card">{intro}{attempts}{grouped}</section>'
