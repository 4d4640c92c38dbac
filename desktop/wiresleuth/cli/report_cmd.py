"""``wiresleuth report BUNDLE``: print a bundle's findings; ``--reanalyse``: today's rules
on the material it recorded (``sources.bundle_file``), beside what the day's rules concluded.

A bundle comes from someone else's computer: everything printed from it goes through the
console helpers, so no escape sequence it holds reaches the terminal raw.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wiresleuth.cli import console, exit_codes
from wiresleuth.errors import BundleError

if TYPE_CHECKING:
    from wiresleuth.bundle.reader import Bundle
    from wiresleuth.model.watch import WatchSummary
    from wiresleuth.sources.bundle_file import Reanalysis


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``report`` command."""
    parser = commands.add_parser("report", help="print the findings of a bundle")
    parser.add_argument("bundle", type=Path, help="a .wsbundle file")
    parser.add_argument("--json", action="store_true", help="print report.json as it is")
    parser.add_argument(
        "--reanalyse",
        "--reanalyze",
        action="store_true",
        help=(
            "conclude again with this version's rules from what the bundle recorded "
            "(observations, packets) and say what changed since"
        ),
    )
    parser.set_defaults(handler=report)


def report(args: argparse.Namespace) -> int:
    """Print; exit 0 (no problem), 1 (problems in it) or 2 (cannot read it)."""
    from wiresleuth.bundle.reader import read_bundle
    from wiresleuth.model.check_status import load_statuses
    from wiresleuth.model.finding import Severity
    from wiresleuth.report.summary import summary_text

    if args.reanalyse:
        return _reanalyse(args)
    try:
        bundle = read_bundle(args.bundle)
    except BundleError as exc:
        console.error(str(exc))
        return exit_codes.COULD_NOT_RUN
    if args.json:
        console.show_json(bundle.report)
    else:
        if bundle.report.get("cancelled") is True:
            console.show(
                "This run was cancelled: its results cover the checks that had finished.\n"
            )
        watch = _watch_of(bundle.report)
        if watch is not None:
            from wiresleuth.cli.watch_cmd import story

            console.show(story(watch) + "\nThe findings of its failures' full diagnoses:\n")
        checks = load_statuses(bundle.report.get("checks"))
        console.show(summary_text(bundle.findings, bundle.capture, checks))
        _show_capture_damage(bundle)
    problem = any(f.severity is Severity.PROBLEM for f in bundle.findings)
    return exit_codes.PROBLEMS_FOUND if problem else exit_codes.NO_PROBLEM


def _reanalyse(args: argparse.Namespace) -> int:
    from wiresleuth.bundle.reader import read_bundle
    from wiresleuth.model.finding import Severity
    from wiresleuth.report.summary import summary_text
    from wiresleuth.sources.bundle_file import reanalyse

    try:
        if _watch_of(read_bundle(args.bundle).report) is not None:
            console.error(
                f"{args.bundle} is a watch's bundle: its findings come from several runs (the "
                "full diagnosis of each failure), which --reanalyse does not read again; "
                f"`wiresleuth report {args.bundle}` shows them"
            )
            return exit_codes.COULD_NOT_RUN
        again = reanalyse(args.bundle)
    except BundleError as exc:
        console.error(str(exc))
        return exit_codes.COULD_NOT_RUN
    if args.json:
        console.show_json(_reanalysis_json(again))
    else:
        console.show(
            f"Re-analysed with the rules of WireSleuth {again.rules}; the bundle was made by "
            f"WireSleuth {again.made_by} on {again.made_on}."
        )
        for note in again.notes:
            console.show(f"Note: {note}.")
        console.show()
        console.show(summary_text(again.findings, again.capture), end="")
        console.show()
        console.show(_changes(again))
    problem = any(f.severity is Severity.PROBLEM for f in again.findings)
    return exit_codes.PROBLEMS_FOUND if problem else exit_codes.NO_PROBLEM


def _show_capture_damage(bundle: Bundle) -> None:
    """The evidence cites frames of capture.pcapng: damage there is said (a Note, as
    ``--reanalyse`` and ``analyze`` print theirs)."""
    try:
        damage = bundle.capture_damage()
    except BundleError as exc:
        console.show(f"Note: {exc}.")
        return
    if damage is not None:
        console.show(
            f"Note: capture.pcapng: {damage.sentence()}; the viewer and "
            "`wiresleuth report --reanalyse` read on past the damage and say how they number "
            "the frames after it."
        )


def _watch_of(report: Mapping[str, Any]) -> WatchSummary | None:
    """The watch of a report (None: not a watch's bundle); BadBundle when it is damaged."""
    from wiresleuth.bundle.watch_file import watch_summary

    return watch_summary(report)


def _changes(again: Reanalysis) -> str:
    new, gone = again.new(), again.gone()
    if not new and not gone:
        return f"Today's rules conclude what those of WireSleuth {again.made_by} did."
    lines = [f"Since the bundle was made (rules of WireSleuth {again.made_by}):"]
    lines += [f"  new: {f.id} ({f.target or 'no target'})" for f in new]
    lines += [f"  no longer concluded: {f.id} ({f.target or 'no target'})" for f in gone]
    return "\n".join(lines)


def _reanalysis_json(again: Reanalysis) -> dict[str, Any]:
    from wiresleuth.bundle.serialize import finding_dict
    from wiresleuth.report.summary import count_by_severity

    return {
        "bundle": str(again.source),
        "rules": again.rules,
        "made_by": again.made_by,
        "made_on": again.made_on,
        "notes": list(again.notes),
        "summary": count_by_severity(again.findings),
        "findings": [finding_dict(f) for f in again.findings],
        "kept": [{"id": f.id, "target": f.target} for f in again.kept],
        "new": [{"id": f.id, "target": f.target} for f in again.new()],
        "gone": [{"id": f.id, "target": f.target} for f in again.gone()],
    }
