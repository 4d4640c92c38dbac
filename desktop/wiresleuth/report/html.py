"""report.html: one self-contained page a helpdesk opens in any browser, offline.

Inline CSS, inline SVG, no script, no external fetch (a Content-Security-Policy says so to
the browser too). Summary first (the headline counts causes), then the causes by severity
with the findings each explains inside it, what each check did, the connection timelines,
capture status, system information and versions.

Everything shown comes from a bundle, which is untrusted input: every string goes through
``html.escape``, and only ``https:``, ``http:`` and ``mailto:`` links are made.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

from wiresleuth.analysis.causes import group_causes
from wiresleuth.model.catalogue import CATALOGUE
from wiresleuth.model.cause import Cause
from wiresleuth.model.check_status import STATUS_WORDS, CheckStatus, Status, load_statuses
from wiresleuth.model.finding import Finding, Severity
from wiresleuth.report.html_connections import connections_html
from wiresleuth.report.html_values import (
    as_list,
    as_map,
    duration_text,
    esc,
    facts_html,
    is_scalar,
    num,
    plain,
    timing_text,
    utc_time,
    value_html,
)
from wiresleuth.report.html_watch import watch_html
from wiresleuth.report.summary import (
    NO_STATUSES,
    cause_headline,
    checks_by_title,
    next_step,
    notes_sentence,
)

MAX_OBSERVATIONS_CHARS = 200_000
"""Raw observations shown, in characters of indented JSON."""

_SEVERITIES = (
    ("problem", "problem", "Problem"),
    ("warning", "warning", "Warning"),
    ("info", "note", "Note"),
)
_SEVERITY_RANK = {name: rank for rank, (name, _, _) in enumerate(_SEVERITIES)}
_SYSTEM_ORDER = ("interfaces", "routes", "dns", "proxy")
_HELPDESK_LABELS = {
    "name": "Name",
    "email": "Email",
    "phone": "Phone",
    "url": "Web page",
    "hours": "Hours",
    "note": "Note",
}
_HELPDESK_ORDER = tuple(_HELPDESK_LABELS)
_MAIL = re.compile(r"^[^\s@<>\"']+@[^\s@<>\"']+\.[^\s@<>\"']+$")
_SAFE_URL = re.compile(r"^(https?://|mailto:)[^\s\"'<>\\]+$", re.IGNORECASE)
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'"


@cache
def stylesheet() -> str:
    """The page's CSS (package data ``report.css``), inlined into every page."""
    return resources.files("wiresleuth.report").joinpath("report.css").read_text("utf-8")


def _link(text: str, url: str) -> str:
    if _SAFE_URL.match(url):
        return f'<a href="{esc(url)}">{esc(text)}</a>'
    return esc(text)


def _helpdesk_html(helpdesk: Any) -> str:
    if isinstance(helpdesk, Mapping):  # a profile without a helpdesk has empty fields
        helpdesk = {k: v for k, v in helpdesk.items() if v not in (None, "", [], {})}
    if not helpdesk:
        return ""
    if isinstance(helpdesk, Mapping):
        keys = [k for k in _HELPDESK_ORDER if k in helpdesk]
        keys += [k for k in helpdesk if k not in _HELPDESK_ORDER]
        rows = []
        for key in keys:
            text = plain(helpdesk[key])
            if key in ("email", "contact") and _MAIL.match(text):
                cell = _link(text, f"mailto:{text}")
            elif key == "url":
                cell = _link(text, text)
            else:
                cell = esc(text)
            label = _HELPDESK_LABELS.get(key, str(key).replace("_", " ").capitalize())
            rows.append(f"<dt>{esc(label)}</dt><dd>{cell}</dd>")
        body = f'<dl class="kv">{"".join(rows)}</dl>'
    else:
        body = f"<p>{esc(plain(helpdesk))}</p>"
    return (
        '<section class="card helpdesk" aria-label="Helpdesk contact">'
        '<h3>Your helpdesk</h3><p class="sub">Send them this report (the whole .wsbundle file '
        f"if you can).</p>{body}</section>"
    )


def _lights_html(counts: Mapping[str, int]) -> str:
    lights = []
    total = 0
    for name, noun, _ in _SEVERITIES:
        n = counts.get(name, 0)
        total += n
        on = " on" if n else ""
        words = noun if n == 1 else noun + "s"
        lights.append(
            f'<span class="light {name}{on}" role="listitem"><span class="dot"></span>'
            f'<span class="n">{n}</span> {words}</span>'
        )
    if total == 0:
        lights.insert(
            0, '<span class="light ok" role="listitem"><span class="dot"></span>all clear</span>'
        )
    return f'<div class="lights" role="list">{"".join(lights)}</div>'


def _capture_sentence(capture: Mapping[str, Any]) -> str:
    if capture.get("available") is True:
        where = f" on {capture['interface']}" if capture.get("interface") else ""
        count = num(capture.get("packets"))
        packets = f"{int(count)} packets" if count is not None else "packets"
        return f"{packets} captured{where}; evidence cites their frame numbers."
    reason = str(capture.get("reason") or "no reason recorded").rstrip(".")
    return (
        f"Packets could not be captured: {reason}. The findings rest on what the program's "
        "own connections saw."
    )


def _summary_html(report: Mapping[str, Any]) -> str:
    causes, _ = report_causes(report)
    counts = {name: 0 for name, _, _ in _SEVERITIES}
    for cause in causes:
        if not cause.about_the_run:
            counts[cause.severity.value] += 1
    capture = as_map(report.get("capture"))
    notes = notes_sentence(causes)
    notes_html = f'<p class="capture-line">{esc(notes)}</p>' if notes else ""
    return (
        '<section class="card summary" aria-label="Summary">'
        f'<p class="headline">{esc(cause_headline(causes))}</p>{_lights_html(counts)}'
        f"{notes_html}"
        f'<p class="capture-line">{esc(_capture_sentence(capture))}</p></section>'
    )


def _frames(value: Any) -> str:
    return ", ".join(str(n) for n in as_list(value) if isinstance(n, int))


def _evidence_html(evidence: Mapping[str, Any]) -> str:
    facts: list[tuple[str, str]] = []
    frames = _frames(evidence.get("packets"))
    if frames:
        facts.append(("frames", frames))
    for name, value in as_map(evidence.get("timings")).items():
        facts.append((str(name), timing_text(value)))
    addresses = [str(a) for a in as_list(evidence.get("addresses"))]
    if addresses:
        facts.append(("addresses", ", ".join(addresses)))
    data_parts = []
    for key, value in as_map(evidence.get("data")).items():
        if isinstance(value, str) and ("\n" in value or len(value) > 80):
            data_parts.append(f'<div class="note">{esc(key)}:</div><pre>{esc(value)}</pre>')
        else:
            facts.append((str(key), plain(value)))
    return f"<li>{esc(evidence.get('text', ''))}{facts_html(facts)}{''.join(data_parts)}</li>"


def _finding_html(
    finding: Mapping[str, Any], *, cause: Finding | None = None, inside: str = ""
) -> str:
    """One finding's card; a cause's card (``cause`` given) adds the user's next step and
    what the helpdesk can do, and ``inside`` (the findings it explains) at its end."""
    severity = str(finding.get("severity", "info"))
    css = severity if severity in _SEVERITY_RANK else "info"
    badge = next((word for name, _, word in _SEVERITIES if name == severity), severity)
    target = finding.get("target")
    named = bool(target) and str(target) in str(finding.get("title", ""))
    target_html = f'<span class="target">{esc(target)}</span>' if target and not named else ""
    parts = [
        f'<article class="card finding {css}">',
        f'<header><span class="badge {css}">{esc(badge)}</span>'
        f"<h3>{esc(finding.get('title', ''))}</h3>{target_html}</header>",
        f'<p class="user-text">{esc(finding.get("user_text", ""))}</p>',
    ]
    if cause is not None and cause.severity is not Severity.INFO:
        parts.append(f'<p class="step"><b>Next step:</b> {esc(next_step(cause))}</p>')
    spec = CATALOGUE.get(str(finding.get("id", "")))
    if spec is not None and cause is not None:
        parts.append(f'<p class="action"><b>What the helpdesk can do:</b> {esc(spec.action)}</p>')
    parts.append('<div class="engineer"><h4>For the engineer</h4>')
    engineer_text = str(finding.get("engineer_text", ""))
    if engineer_text:
        parts.append(f"<p>{esc(engineer_text)}</p>")
    evidence = [ev for ev in as_list(finding.get("evidence")) if isinstance(ev, Mapping)]
    if evidence:
        parts.append('<ul class="evidence">')
        parts += [_evidence_html(ev) for ev in evidence]
        parts.append("</ul>")
    values = as_map(finding.get("values"))
    if values:
        figures = [(str(k), plain(v)) for k, v in values.items()]
        parts.append(facts_html(figures, "Figures:"))
    parts.append(
        f'<div class="fid">Finding <code>{esc(finding.get("id", ""))}</code> · wizard '
        f"<code>{esc(finding.get('wizard', ''))}</code></div></div>{inside}</article>"
    )
    return "".join(parts)


def _severity(value: Any) -> Severity:
    try:
        return Severity(str(value))
    except ValueError:
        return Severity.INFO


def report_causes(
    report: Mapping[str, Any],
) -> tuple[tuple[Cause, ...], dict[int, Mapping[str, Any]]]:
    """The causes of a report's findings (grouped as the window groups them), and each
    finding's JSON by ``id()`` of its model object. A damaged finding is shown as it is."""
    by_object: dict[int, Mapping[str, Any]] = {}
    findings = []
    for item in as_list(report.get("findings")):
        if not isinstance(item, Mapping):
            continue
        target = item.get("target")
        finding = Finding(
            id=str(item.get("id", "")),
            severity=_severity(item.get("severity")),
            title=str(item.get("title", "")),
            user_text="",
            engineer_text="",
            wizard=str(item.get("wizard", "")),
            target=None if target is None else str(target),
        )
        by_object[id(finding)] = item
        findings.append(finding)
    return group_causes(findings), by_object


def _findings_html(report: Mapping[str, Any]) -> str:
    causes, by_object = report_causes(report)
    if not causes:
        return "<h2>Findings</h2><p>No finding: no check found anything to report.</p>"
    cards = []
    for cause in causes:
        inside = ""
        if cause.supporting:
            count = len(cause.supporting)
            what = "1 more finding" if count == 1 else f"{count} more findings"
            inside = (
                f'<details class="explained"><summary>It explains {what} (for the '
                "engineer)</summary>"
                + "".join(_finding_html(by_object[id(f)]) for f in cause.supporting)
                + "</details>"
            )
        cards.append(
            _finding_html(by_object[id(cause.finding)], cause=cause.finding, inside=inside)
        )
    return "<h2>Findings</h2>" + "".join(cards)


def _status_words(status: Status, reason: str) -> str:
    css = {
        Status.PASSED: "ok",
        Status.PROBLEM: "problem",
        Status.NOT_TESTED: "untested",
        Status.COULD_NOT_RUN: "failed",
    }[status]
    why = f' <span class="why">({esc(reason)})</span>' if reason else ""
    return f'<span class="status {css}">{esc(STATUS_WORDS[status])}</span>{why}'


def _status_cell(status: CheckStatus) -> str:
    cell = _status_words(status.status, status.reason)
    if not status.addresses:
        return cell
    each = "".join(
        f"<li>{esc(a.address)}: {_status_words(a.status, a.reason)}</li>" for a in status.addresses
    )  # a name with several addresses: each one's result under the site's
    return f'{cell}<ul class="addresses">{each}</ul>'


def _checks_html(report: Mapping[str, Any]) -> str:
    checks = load_statuses(report.get("checks"))
    if checks is None:
        return f'<h2>What was checked</h2><p class="note">{esc(NO_STATUSES)}</p>'
    if not checks:
        return ""
    rows = []
    for title, statuses in checks_by_title(checks):
        for index, status in enumerate(statuses):
            name = f'<th rowspan="{len(statuses)}">{esc(title)}</th>' if index == 0 else ""
            where = esc(status.target) if status.target else "the check as a whole"
            rows.append(f"<tr>{name}<td>{where}</td><td>{_status_cell(status)}</td></tr>")
    return (
        '<h2>What was checked</h2><div class="table-wrap"><table class="checks">'
        "<thead><tr><th>Check</th><th>Site</th><th>Status</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def _capture_html(report: Mapping[str, Any]) -> str:
    capture = as_map(report.get("capture"))
    if capture.get("available") is True:
        rows = {
            "Interface": capture.get("interface"),
            "Filter": capture.get("filter"),
            "Packets": capture.get("packets"),
            "File in the bundle": capture.get("file") or "not included",
        }
        intro = (
            "<p>The program captured its own traffic. Open the capture in Wireshark: packets "
            "that a finding cites carry a comment.</p>"
        )
    else:
        rows = {
            "Why": capture.get("reason") or "no reason recorded",
            "How to allow it": capture.get("how_to_enable") or "—",
        }
        intro = (
            "<p>Packets could not be captured. The findings rest on what the program's own "
            "connections saw; per-packet evidence (TTLs, DSCP marks, retransmissions) is "
            "missing.</p>"
        )
    return f'<h2>Capture</h2><section class="card">{intro}{value_html(rows)}</section>'


def _system_html(system: Mapping[str, Any]) -> str:
    if not system:
        return "<h2>System</h2><p>No system information was recorded.</p>"
    general = {k: v for k, v in system.items() if is_scalar(v) and k not in _SYSTEM_ORDER}
    keys = [key for key in _SYSTEM_ORDER if key in system]
    keys += [key for key in system if key not in _SYSTEM_ORDER and key not in general]
    sections = []
    if general:
        sections.append(f'<section class="card"><h3>General</h3>{value_html(general)}</section>')
    for key in keys:
        title = "DNS" if key == "dns" else str(key).replace("_", " ").capitalize()
        sections.append(
            f'<section class="card"><h3>{esc(title)}</h3>{value_html(system[key], 1)}</section>'
        )
    return "<h2>System</h2>" + "".join(sections)


def _observations_html(report: Mapping[str, Any]) -> str:
    observations = as_map(report.get("observations"))
    if not observations:
        return ""
    text = json.dumps(observations, indent=2, ensure_ascii=False, default=str)
    if len(text) > MAX_OBSERVATIONS_CHARS:
        text = text[:MAX_OBSERVATIONS_CHARS] + "\n… (cut; report.json has everything)"
    return (
        "<h2>Measurements</h2><details><summary>What each check measured (raw, for "
        f"engineers)</summary><pre>{esc(text)}</pre></details>"
    )


def _footer_html(report: Mapping[str, Any], manifest: Mapping[str, Any]) -> str:
    os_info = as_map(manifest.get("os"))
    os_text = " ".join(
        str(os_info[key]) for key in ("system", "release", "machine") if os_info.get(key)
    )
    rows = {
        "Program": " ".join(
            (str(manifest.get("program", "wiresleuth")), str(manifest.get("program_version", "?")))
        ),
        "Operating system": os_text or "unknown",
        "OS version": os_info.get("version") or "unknown",
        "Python": os_info.get("python") or "unknown",
        "Bundle format": manifest.get("format_version", "?"),
        "Bundle created": manifest.get("created", "?"),
        "Wizards": ", ".join(str(w) for w in as_list(report.get("wizards"))) or "—",
    }
    return f"<footer><h2>Versions</h2>{value_html(rows)}</footer>"


def _computer_html(system: Mapping[str, Any]) -> str:
    """Which computer and user ran the diagnostics (system.json), under the header."""
    computer = as_map(system.get("computer"))
    name, user = computer.get("name"), computer.get("user")
    parts = [f"Computer {name}" if name else "", f"user {user}" if user else ""]
    text = " · ".join(p for p in parts if p)
    return f'<p class="sub computer">{esc(text)}</p>' if text else ""


def _header_html(report: Mapping[str, Any]) -> str:
    started = num(report.get("started_at"))
    finished = num(report.get("finished_at"))
    targets = ", ".join(str(t) for t in as_list(report.get("targets"))) or "no target"
    when = utc_time(started, date=True) if started is not None else "an unknown time"
    took = (
        f" · took {duration_text(finished - started)}"
        if started is not None and finished is not None
        else ""
    )
    banner = (
        '<p class="banner"><b>The run was cancelled.</b> The findings cover the checks that '
        "had finished.</p>"
        if report.get("cancelled") is True
        else ""
    )
    return (
        f'<header><h1>WireSleuth report</h1><p class="sub">Tested {esc(targets)} · '
        f"{esc(when)}{esc(took)}</p>{banner}</header>"
    )


def render_html(
    report: Mapping[str, Any],
    manifest: Mapping[str, Any],
    system: Mapping[str, Any],
    *,
    time_zero: float | None = None,
) -> str:
    """The whole report.html page of a bundle's report, manifest and system information.

    ``time_zero`` is the epoch time of frame 1 of the bundle's capture: times are written as
    seconds since it, as the viewer and Wireshark write them (without a capture: since the
    run started).
    """
    profile = as_map(report.get("profile"))
    targets = ", ".join(str(t) for t in as_list(report.get("targets")))
    title = f"WireSleuth report: {targets}" if targets else "WireSleuth report"
    body = "".join(
        (
            _header_html(report),
            _computer_html(system),
            _summary_html(report),
            _helpdesk_html(profile.get("helpdesk")),
            watch_html(report),
            _findings_html(report),
            connections_html(report, time_zero),
            _capture_html(report),
            _checks_html(report),
            _system_html(system),
            _observations_html(report),
            _footer_html(report, manifest),
        )
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="color-scheme" content="light">'
        f"<title>{esc(title)}</title><style>{stylesheet()}</style></head>"
        f"<body><main>{body}</main></body></html>\n"
    )
