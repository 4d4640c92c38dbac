"""``wiresleuth report BUNDLE``: print a bundle's findings."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from wiresleuth.cli import exit_codes
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
    from wiresleuth.model.finding import Severity
    from wiresleuth.report.summary import summary_text

    try:
        bundle = read_bundle(args.bundle)
    except BundleError as exc:
        print(f"wiresleuth: {exc}", file=sys.stderr)
        return exit_codes.COULD_NOT_RUN
    if args.json:
        print(json.dumps(bundle.report, indent=2, ensure_ascii=False))
    else:
        print(summary_text(bundle.findings, bundle.capture))
    problem = any(f.severity is Severity.PROBLEM for f in bundle.findings)
    return exit_codes.PROBLEMS_FOUND if problem else exit_codes.NO_PROBLEM
