"""``wiresleuth run``: the diagnostics in a terminal, ending with a bundle and a summary.

Everything that can be wrong with the input (profile, targets, ``--out``) is checked before
the run starts. The run itself goes in a worker thread; the main thread waits in bounded
steps and answers Ctrl-C (``interrupts``): the first press cancels, and the bundle holds what
had finished, marked cancelled; a second press within two seconds quits at once, saving
nothing and leaving no scratch file behind.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from wiresleuth.cli import console, exit_codes, proxy_credentials
from wiresleuth.cli.interrupts import (
    QUIT_WINDOW,
    InterruptGate,
    QuitNow,
    StillRunning,
    finish_interruptibly,
)
from wiresleuth.cli.out_path import check_out_path
from wiresleuth.cli.terminal_progress import TerminalProgress
from wiresleuth.errors import BadInput, BundleError
from wiresleuth.model.finding import Severity
from wiresleuth.model.run import RunResult
from wiresleuth.model.target import Target
from wiresleuth.profile.locate import LocatedProfile, Origin, locate_profile
from wiresleuth.profile.model import Profile

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
    if not located.profile.targets and not extra:
        raise BadInput(
            f"nothing to test: the profile ({located.describe()}) names no site; add a line "
            'such as targets = ["https://intranet.example.com/"] to it, or give --target URL'
        )
    return located, extra


def run(args: argparse.Namespace) -> int:
    """Run, write the bundle, print the summary; exit code per ``exit_codes``."""
    from wiresleuth.engine import Engine
    from wiresleuth.wizards.registry import all_wizards

    try:
        located, extra = _profile(args)
        out = check_out_path(args.out or Path.cwd() / default_bundle_name())
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
    with InterruptGate() as gate:
        try:
            result = _run_interruptibly(engine, gate, progress)
        except QuitNow:
            progress.close()
            _quit_now("quit at once: nothing was saved")
        except StillRunning:
            progress.close()
            _quit_now(
                f"the run did not stop within {CANCEL_GRACE:g} s of cancelling (a check is "
                "stuck in the system); nothing was saved"
            )
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

    before = _identity(out)
    try:
        gate.raise_on_quit = True  # the writer removes its temporary file on any exception
        written = write_bundle(result, out)
        gate.raise_on_quit = False
    except QuitNow:
        gate.raise_on_quit = False
        if _identity(out) != before:
            _quit_now(f"quit at once; the bundle had already been saved: {out}")
        _quit_now("quit at once: nothing was saved")
    except BundleError as exc:
        gate.raise_on_quit = False
        console.error(str(exc))
        console.show(summary_text(result.findings, result.capture, result.checks))
        return exit_codes.COULD_NOT_RUN
    finally:
        discard_scratch(result)
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


def _identity(path: Path) -> tuple[int, int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_ino, info.st_size, info.st_mtime_ns)


def _quit_now(message: str) -> NoReturn:
    """Say ``message``, remove every scratch folder, and end the process at once.

    ``os._exit``: the run's worker thread (and the threads it waits on, in a system call
    perhaps) are abandoned, and the interpreter's normal exit would wait for them.
    """
    from wiresleuth.engine import scratch

    scratch.remove_all(close=True)
    console.error(message)
    sys.stdout.flush()
    os._exit(exit_codes.COULD_NOT_RUN)
