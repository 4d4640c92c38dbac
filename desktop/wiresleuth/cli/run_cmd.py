"""``wiresleuth run``: the diagnostics in a terminal, ending with a bundle and a summary.

Everything that can be wrong with the input (profile, targets, ``--out``) is checked before
the run starts. The run itself goes in a worker thread; the main thread waits in bounded
steps and answers Ctrl-C (``interrupts``): the first press cancels, and the bundle holds what
had finished, marked cancelled; a second press within two seconds quits at once, saving
nothing and leaving no scratch file behind.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from wiresleuth.cli import console, exit_codes, proxy_credentials, run_inputs
from wiresleuth.cli.interrupts import QUIT_WINDOW, InterruptGate, finish_interruptibly
from wiresleuth.cli.out_path import check_out_path
from wiresleuth.cli.saving import quitting_at_once, save_or_quit
from wiresleuth.cli.terminal_progress import TerminalProgress
from wiresleuth.errors import BadInput
from wiresleuth.model.finding import Severity
from wiresleuth.model.run import RunResult
from wiresleuth.profile.locate import LocatedProfile

if TYPE_CHECKING:
    from wiresleuth.engine import Engine

CANCEL_GRACE = 15.0
"""Seconds a cancelled run has to hand back what it has (it needs about one, plus the system
information it waits up to 5 s for) before the program gives up on it."""


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``run`` command."""
    parser = commands.add_parser(
        "run",
        help="run the diagnostics and save a bundle",
        description=(
            "Runs the checks and saves a bundle for the helpdesk. Ctrl-C cancels and saves "
            "what had finished; Ctrl-C twice within 2 s quits at once without saving."
        ),
    )
    run_inputs.add_options(parser, doing="test")
    parser.add_argument("--quiet", action="store_true", help="no progress, only the summary")
    proxy_credentials.add_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run, write the bundle, print the summary; exit code per ``exit_codes``."""
    from wiresleuth.engine import Engine
    from wiresleuth.wizards.registry import all_wizards

    try:
        located, extra = run_inputs.located_profile(args)
        out = check_out_path(args.out or Path.cwd() / run_inputs.default_bundle_name())
        credentials = proxy_credentials.ask(args)
    except BadInput as exc:
        console.error(str(exc))
        return exit_codes.COULD_NOT_RUN
    progress = TerminalProgress(sys.stderr, quiet=args.quiet)
    engine = Engine(
        located.profile,
        proxy_credentials.give(all_wizards(), credentials),
        extra_targets=extra,
        capture=not args.no_capture,
        on_event=progress.on_event,
    )
    stuck = (
        f"the run did not stop within {CANCEL_GRACE:g} s of cancelling (a check is stuck in "
        "the system); nothing was saved"
    )
    with InterruptGate() as gate:
        with quitting_at_once(stuck, first=progress.close):
            result = _run_interruptibly(engine, gate, progress)
        progress.close()
        return _save_and_summarise(result, out, located, gate)


def _run_interruptibly(
    engine: Engine, gate: InterruptGate, progress: TerminalProgress
) -> RunResult:
    """Run in a worker thread; the main thread only waits, in bounded steps, and reacts."""

    def said(first: bool) -> None:
        progress.close()  # the message goes on a line of its own
        if first:
            console.error(
                f"cancelling: keeping what has finished (Ctrl-C again within "
                f"{QUIT_WINDOW:g} s quits without saving)"
            )
        else:
            console.error(
                "still saving what has finished; Ctrl-C twice quickly quits without saving"
            )

    return finish_interruptibly(
        engine.run, engine.cancel, gate, name="wiresleuth-run", grace=CANCEL_GRACE, on_press=said
    )


def _save_and_summarise(
    result: RunResult, out: Path, located: LocatedProfile, gate: InterruptGate
) -> int:
    from wiresleuth.bundle.writer import write_bundle
    from wiresleuth.engine import discard_scratch
    from wiresleuth.report.summary import summary_text

    written = save_or_quit(
        lambda: write_bundle(result, out), out, gate, discard=lambda: discard_scratch(result)
    )
    if written is None:
        console.show(summary_text(result.findings, result.capture, result.checks))
        return exit_codes.COULD_NOT_RUN
    if result.cancelled:
        console.show("The run was cancelled: these results cover the checks that had finished.\n")
    console.show(summary_text(result.findings, result.capture, result.checks))
    console.show(f"\nProfile used: {located.describe()}")
    console.show(f"Bundle for your helpdesk: {written}")
    if result.cancelled:
        console.show("The run was cancelled: the bundle holds what had finished.")
        return exit_codes.COULD_NOT_RUN
    problem = any(f.severity is Severity.PROBLEM for f in result.findings)
    return exit_codes.PROBLEMS_FOUND if problem else exit_codes.NO_PROBLEM
