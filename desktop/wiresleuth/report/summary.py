"""Terminal text of a run's findings: plain words first, the engineer's detail indented below.

Used at the end of ``wiresleuth run`` and by ``wiresleuth report BUNDLE``; the window and the
HTML report reuse ``cause_headline`` so all say the same thing. Findings are grouped by cause
(``analysis.causes``): the headline counts causes, and each cause lists the findings it
explains below it. Every string a finding carries may come from a hostile bundle or server,
so each goes through ``for_terminal`` before it is wrapped.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping, Sequence

from wiresleuth.analysis.causes import count_causes, group_causes
from wiresleuth.model.catalogue import CATALOGUE
from wiresleuth.model.cause import Cause
from wiresleuth.model.check_status import CheckStatus
from wiresleuth.model.finding import Evidence, Finding, Severity
from wiresleuth.model.run import CaptureInfo
from wiresleuth.report.terminal_text import for_terminal

WIDTH = 78
"""Wrap width of the terminal text."""

MARKERS: Mapping[Severity, str] = {
    Severity.PROBLEM: "[!!] PROBLEM",
    Severity.WARNING: "[!]  WARNING",
    Severity.INFO: "[i]  INFO",
}
"""Severity marker at the head of each finding block (ASCII: any terminal, any code page)."""


def count_by_severity(findings: Iterable[Finding]) -> dict[str, int]:
    """``{"problem": n, "warning": n, "info": n}``, every severity present even when 0."""
    counts = {severity.value: 0 for severity in sorted(Severity, key=lambda s: -s.weight)}
    for finding in findings:
        counts[finding.severity.value] += 1
    return counts


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def headline(counts: Mapping[str, int]) -> str:
    """One plain sentence: "We found 2 problems and 1 warning." / "We found no problem."."""
    problems = counts.get(Severity.PROBLEM.value, 0)
    warnings = counts.get(Severity.WARNING.value, 0)
    infos = counts.get(Severity.INFO.value, 0)
    parts = []
    if problems:
        parts.append(_plural(problems, "problem"))
    if warnings:
        parts.append(_plural(warnings, "warning"))
    text = f"We found {' and '.join(parts)}." if parts else "We found no problem."
    if infos:
        text += f" {_plural(infos, 'note')} for information."
    return text


DEFAULT_STEP = "Save the results and send them to your helpdesk."
"""The user's next step for a cause whose catalogue entry names none of its own."""


def next_step(finding: Finding) -> str:
    """The user's one next step for a cause (the catalogue's ``user_step``, else the default)."""
    spec = CATALOGUE.get(finding.id)
    return spec.user_step if spec is not None and spec.user_step else DEFAULT_STEP


def helpdesk_action(finding: Finding) -> str:
    """What the helpdesk can do about a finding (the catalogue's ``action``; empty if unknown)."""
    spec = CATALOGUE.get(finding.id)
    return spec.action if spec is not None else ""


def cause_headline(causes: Sequence[Cause]) -> str:
    """One plain sentence counting causes: "We found 1 problem: <its title>." when there is
    one, "We found 2 problems and 1 warning." otherwise, "We found no problem." when none.
    Notes for information and remarks about the run are not causes (``notes_sentence``)."""
    counts = count_causes(causes)
    problems = counts[Severity.PROBLEM.value]
    warnings = counts[Severity.WARNING.value]
    if problems + warnings == 1:
        cause = next(c for c in causes if not c.about_the_run and c.severity is not Severity.INFO)
        word = "problem" if problems else "warning"
        title = " ".join(cause.finding.title.split()).rstrip(".")
        return f"We found 1 {word}: {title}."
    parts = []
    if problems:
        parts.append(_plural(problems, "problem"))
    if warnings:
        parts.append(_plural(warnings, "warning"))
    return f"We found {' and '.join(parts)}." if parts else "We found no problem."


def notes_sentence(causes: Sequence[Cause]) -> str:
    """What the headline leaves out: notes for information and remarks about the run."""
    notes = sum(1 for c in causes if c.severity is Severity.INFO and not c.about_the_run)
    remarks = sum(1 for c in causes if c.about_the_run)
    parts = []
    if notes:
        parts.append(_plural(notes, "note") + " for information")
    if remarks:
        parts.append(_plural(remarks, "remark") + " about the run itself")
    return f"Also {' and '.join(parts)}." if parts else ""


def capture_sentence(capture: CaptureInfo) -> str:
    """What the capture means for the evidence, in one or two sentences."""
    if capture.available:
        where = f" on {capture.interface}" if capture.interface else ""
        return (
            f"Packets were captured{where} ({_plural(capture.packets, 'packet')}); "
            "evidence cites their numbers in capture.pcapng."
        )
    reason = capture.reason or "no reason was recorded"
    text = (
        f"Packets could not be captured: {reason.rstrip('.')}. The findings rest on what "
        "the program's own connections saw."
    )
    if capture.how_to_enable:
        text += f" To allow capture: {capture.how_to_enable}"
    return text


def _packets_text(packets: Sequence[int]) -> str:
    if not packets:
        return ""
    word = "packet" if len(packets) == 1 else "packets"
    return f" ({word} {', '.join(str(n) for n in packets)})"


def _evidence_lines(evidence: Evidence, indent: str, width: int = WIDTH) -> list[str]:
    return textwrap.wrap(
        f"- {for_terminal(evidence.text, one_line=True)}{_packets_text(evidence.packets)}",
        width,
        initial_indent=indent,
        subsequent_indent=indent + "  ",
        break_on_hyphens=False,
    )


def _wrap(text: str, indent: str, width: int = WIDTH) -> list[str]:
    lines: list[str] = []
    for paragraph in for_terminal(text).splitlines() or [""]:
        lines += textwrap.wrap(
            paragraph,
            width,
            initial_indent=indent,
            subsequent_indent=indent,
            break_on_hyphens=False,
        ) or [indent.rstrip()]
    return lines


def finding_block(finding: Finding, *, indent: str = "", step: bool = False) -> str:
    """One finding: marker and title, target, user text (and the user's next step when
    ``step``), then engineer text, what the helpdesk can do, and evidence; every line
    starts with ``indent``."""
    width = WIDTH - len(indent)
    head = f"{MARKERS[finding.severity]}: "
    title = for_terminal(finding.title, one_line=True)
    lines = textwrap.wrap(
        head + title, width, subsequent_indent=" " * len(head), break_on_hyphens=False
    ) or [head.rstrip()]
    if finding.target:
        lines.append(f"  Target: {for_terminal(finding.target, one_line=True)}")
    lines += _wrap(finding.user_text, "  ", width)
    if step:
        lines += _wrap(f"Next step: {next_step(finding)}", "  ", width)
    action = helpdesk_action(finding)
    if finding.engineer_text or finding.evidence or (step and action):
        lines.append("    For the engineer:")
        if finding.engineer_text:
            lines += _wrap(finding.engineer_text, "    ", width)
        if step and action:
            lines += _wrap(f"What the helpdesk can do: {action}", "    ", width)
        for evidence in finding.evidence:
            lines += _evidence_lines(evidence, "    ", width)
    lines.append(f"    [{for_terminal(finding.id, one_line=True)}]")
    return "\n".join(indent + line if line else line for line in lines)


def cause_block(cause: Cause) -> str:
    """A cause: its finding with the user's next step, then the findings it explains,
    indented under it."""
    blocks = [finding_block(cause.finding, step=cause.severity is not Severity.INFO)]
    if cause.supporting:
        more = _plural(len(cause.supporting), "more finding")
        blocks.append(f"  It explains {more} (for the engineer):")
        blocks += [finding_block(f, indent="    ") for f in cause.supporting]
    return "\n".join(blocks)


NO_STATUSES = (
    "Not recorded: this bundle was made before WireSleuth recorded what each check did, so "
    "a missing finding does not mean that a check passed."
)
"""Said instead of the status table of a bundle that has none."""


def checks_by_title(checks: Sequence[CheckStatus]) -> list[tuple[str, list[CheckStatus]]]:
    """The statuses grouped by check, in the run's order."""
    groups: dict[str, list[CheckStatus]] = {}
    for status in checks:
        groups.setdefault(status.title, []).append(status)
    return list(groups.items())


def checks_block(checks: Sequence[CheckStatus] | None) -> str:
    """"What was checked": every check and its status per target, or why it is unknown."""
    lines = ["What was checked:"]
    if checks is None:
        return "\n".join(lines + _wrap(NO_STATUSES, "  "))
    for title, rows in checks_by_title(checks):
        name = for_terminal(title, one_line=True)
        if len(rows) == 1 and rows[0].target is None:
            lines += _wrap(f"{name}: {for_terminal(rows[0].shown, one_line=True)}", "  ")
            continue
        lines += _wrap(name, "  ")
        for row in rows:
            where = for_terminal(row.target or "the check as a whole", one_line=True)
            lines += _wrap(f"{where}: {for_terminal(row.shown, one_line=True)}", "    ")
            for address in row.addresses:
                lines += _wrap(for_terminal(address.shown, one_line=True), "      ")
    return "\n".join(lines)


def summary_text(
    findings: Sequence[Finding],
    capture: CaptureInfo | None = None,
    checks: Sequence[CheckStatus] | None = (),
) -> str:
    """The whole terminal summary, most severe cause first, then what each check did
    (``checks``: empty to leave that out, None when the bundle does not record it); ends
    with a newline."""
    causes = group_causes(findings)
    first = [cause_headline(causes)]
    notes = notes_sentence(causes)
    if notes:
        first.append(notes)
    blocks = ["\n".join(first)]
    if capture is not None:
        blocks[0] += "\n" + "\n".join(_wrap(capture_sentence(capture), ""))
    blocks += [cause_block(cause) for cause in causes]
    if checks is None or checks:
        blocks.append(checks_block(checks))
    return "\n\n".join(blocks) + "\n"
