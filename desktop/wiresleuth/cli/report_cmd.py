"""``wiresleuth report BUNDLE``: print a bundle's findings.

A bundle comes from someone else's computer: everything printed from it goes through the
console helpers, so no escape sequence it holds reaches the terminal raw.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from wiresleuth.cli import console, exit_codes
from wiresleuth.errors import BundleError


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``report`` command."""
    parser = commands.add_parser("report", help="print the findings of a bundle")
    parser.add_argument("bundle", type=Path, help="a .wsbundle file")
    parser.add_argument("--json", action="store_true", help="print report.json as it is")
    parser.set_defaults(handler=report)


def report(args: argparse.Namespace) -> int:
    """Print; exit 0 (no problem), 1 (problems in it) or 2 (cannot read it)."""
    from wiresleuth.bundle.reader import read_bundle
    from wiresleuth.model.check_status import load_statuses
    from wiresleuth.model.finding import Severity
    from wiresleuth.report.summary import summary_text

    try:
        bundle = read_bundle(args.bundle)
    except BundleError as exc:
        console.error(str(exc))
        return exit_codes.COULD_NOT_RUN
    if args.json:
        # for_terminal writes its escapes as JSON escapes: the output stays the same JSON.
        console.show(json.dumps(bundle.report, indent=2, ensure_ascii=False))
    else:
        if bundle.report.get("cancelled") is True:
            console.show(
                "This run was cancelled: its results cover the checks that had finished.\n"
            )
        checks = load_statuses(bundle.report.get("checks"))
        console.show(summary_text(bundle.findings, bundle.capture, checks))
    problem = any(f.severity is Severity.PROBLEM for f in bundle.findings)
    return exit_codes.PROBLEMS_FOUND if problem else exit_codes.NO_PROBLEM
