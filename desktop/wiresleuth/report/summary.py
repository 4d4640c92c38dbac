"""Terminal text of a run's findings: plain words first, the engineer's detail indented below.

Used at the end of ``wiresleuth run`` and by ``wiresleuth report BUNDLE``; the HTML report
reuses ``headline`` so both say the same thing. Every string a finding carries may come from a
hostile bundle or server, so each goes through ``for_terminal`` before it is wrapped.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping, Sequence

from wiresleuth.model.catalogue import sort_findings
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


def _evidence_lines(evidence: Evidence, indent: str) -> list[str]:
    return textwrap.wrap(
        f"- {for_terminal(evidence.text, one_line=True)}{_packets_text(evidence.packets)}",
        WIDTH,
        initial_indent=indent,
        subsequent_indent=indent + "  ",
        break_on_hyphens=False,
    )


def _wrap(text: str, indent: str) -> list[str]:
    lines: list[str] = []
    for paragraph in for_terminal(text).splitlines() or [""]:
        lines += textwrap.wrap(
            paragraph,
            WIDTH,
            initial_indent=indent,
            subsequent_indent=indent,
            break_on_hyphens=False,
        ) or [indent.rstrip()]
    return lines


def finding_block(finding: Finding) -> str:
    """One finding: marker and title, target, user text, then engineer text and evidence."""
    head = f"{MARKERS[finding.severity]}: "
    title = for_terminal(finding.title, one_line=True)
    lines = textwrap.wrap(
        head + title, WIDTH, subsequent_indent=" " * len(head), break_on_hyphens=False
    ) or [head.rstrip()]
    if finding.target:
        lines.append(f"  Target: {for_terminal(finding.target, one_line=True)}")
    lines += _wrap(finding.user_text, "  ")
    if finding.engineer_text or finding.evidence:
        lines.append("    For the engineer:")
        if finding.engineer_text:
            lines += _wrap(finding.engineer_text, "    ")
        for evidence in finding.evidence:
            lines += _evidence_lines(evidence, "    ")
    lines.append(f"    [{for_terminal(finding.id, one_line=True)}]")
    return "\n".join(lines)


def summary_text(findings: Sequence[Finding], capture: CaptureInfo | None = None) -> str:
    """The whole terminal summary, most severe finding first; ends with a newline."""
    blocks = [headline(count_by_severity(findings))]
    if capture is not None:
        blocks[0] += "\n" + "\n".join(_wrap(capture_sentence(capture), ""))
    blocks += [finding_block(finding) for finding in sort_findings(tuple(findings))]
    return "\n\n".join(blocks) + "\n"
