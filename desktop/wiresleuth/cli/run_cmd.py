"""``wiresleuth run``: the diagnostics in a terminal, ending with a bundle and a summary."""

from __future__ import annotations

import argparse
import socket
import sys
import threading
import time
from pathlib import Path

from wiresleuth.cli import exit_codes, proxy_credentials
from wiresleuth.cli.terminal_progress import TerminalProgress
from wiresleuth.errors import BadInput, BundleError
from wiresleuth.model.finding import Severity
from wiresleuth.model.run import RunResult
from wiresleuth.model.target import Target
from wiresleuth.profile.locate import LocatedProfile, Origin, locate_profile
from wiresleuth.profile.model import Profile

_CANCEL_GRACE = 5.0
"""Seconds to wait for a cancelled run to hand back what it has."""


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``run`` command."""
    parser = commands.add_parser("run", help="run the diagnostics and save a bundle")
    parser.add_argument("--profile", type=Path, help="profile file from your helpdesk (TOML)")
    parser.add_argument(
        "--target",
        action="append",
        default=[],
        metavar="URL",
        help="a site to test (https://host/ or host:port); repeatable",
    )
    parser.add_argument(
        "--out", type=Path, help="bundle to write (default: a name with host and time)"
    )
    parser.add_argument("--no-capture", action="store_true", help="do not capture packets")
    parser.add_argument("--quiet", action="store_true", help="no progress, only the summary")
    proxy_credentials.add_options(parser)
    parser.set_defaults(handler=run)


def default_bundle_name(now: float | None = None) -> str:
    """``wiresleuth-HOST-YYYYmmdd-HHMMSS.wsbundle``."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now))
    host = "".join(c if c.isalnum() or c in "-_" else "-" for c in socket.gethostname()) or "host"
    return f"wiresleuth-{host}-{stamp}.wsbundle"


def _profile(args: argparse.Namespace) -> tuple[LocatedProfile, list[Target]]:
    """Command line, beside the program, the user's config folder, built-in (profile.locate)."""
    located = locate_profile(args.profile)
    extra = [Target.parse(t) for t in args.target]
    if extra and located.origin is Origin.BUILT_IN:
        base = located.profile
        only_targets = Profile(helpdesk=base.helpdesk, budgets=base.budgets, source="command line")
        located = LocatedProfile(profile=only_targets, origin=Origin.COMMAND_LINE)
    return located, extra


def run(args: argparse.Namespace) -> int:
    """Run, write the bundle, print the summary; exit code per ``exit_codes``."""
    from wiresleuth.bundle.writer import write_bundle
    from wiresleuth.engine import Engine, discard_scratch
    from wiresleuth.report.summary import summary_text
    from wiresleuth.wizards.registry import all_wizards

    try:
        located, extra = _profile(args)
        credentials = proxy_credentials.ask(args)
    except BadInput as exc:
        print(f"wiresleuth: {exc}", file=sys.stderr)
        return exit_codes.COULD_NOT_RUN
    out: Path = args.out or Path.cwd() / default_bundle_name()
    if not out.parent.is_dir():
        print(
            f"wiresleuth: cannot write {out}: folder {out.parent} does not exist", file=sys.stderr
        )
        return exit_codes.COULD_NOT_RUN
    progress = TerminalProgress(sys.stderr, quiet=args.quiet)
    engine = Engine(
        located.profile,
        proxy_credentials.give(all_wizards(), credentials),
        extra_targets=extra,
        capture=not args.no_capture,
        on_event=progress.on_event,
    )
    result = _run_interruptibly(engine)
    progress.close()
    if result is None:
        print(
            "wiresleuth: the run did not stop after cancelling; nothing was saved", file=sys.stderr
        )
        return exit_codes.COULD_NOT_RUN
    try:
        written = write_bundle(result, out)
    except BundleError as exc:
        print(f"wiresleuth: {exc}", file=sys.stderr)
        print(summary_text(result.findings, result.capture))
        return exit_codes.COULD_NOT_RUN
    finally:
        discard_scratch(result)
    print(summary_text(result.findings, result.capture))
    print(f"\nProfile used: {located.describe()}")
    print(f"Bundle for your helpdesk: {written}")
    if result.cancelled:
        print("The run was cancelled: the bundle holds what had finished.")
        return exit_codes.COULD_NOT_RUN
    problem = any(f.severity is Severity.PROBLEM for f in result.findings)
    return exit_codes.PROBLEMS_FOUND if problem else exit_codes.NO_PROBLEM


def _run_interruptibly(engine: object) -> RunResult | None:
    """Run in a worker thread so Ctrl-C cancels the run and still saves what it found."""
    from wiresleuth.engine import Engine

    assert isinstance(engine, Engine)
    box: list[RunResult] = []
    worker = threading.Thread(
        target=lambda: box.append(engine.run()), name="wiresleuth-run", daemon=True
    )
    worker.start()
    try:
        while worker.is_alive():
            worker.join(0.2)
    except KeyboardInterrupt:
        print("\nCancelling…", file=sys.stderr)
        engine.cancel()
        worker.join(_CANCEL_GRACE)
    return box[0] if box else None
