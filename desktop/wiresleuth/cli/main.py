"""``wiresleuth`` entry point: parses arguments and hands over to one command module.

Exit codes are a contract (``exit_codes``): 1 means "problems found", so no failure of the
program itself may end in 1. Every error, expected or not, ends here as exit 2 with one plain
line on stderr; ``--debug`` (or ``WIRESLEUTH_DEBUG=1``) adds the traceback for a bug report.
"""

from __future__ import annotations

import argparse
import contextlib
import faulthandler
import logging
import os
import sys
import traceback
from collections.abc import Sequence
from typing import NoReturn

from wiresleuth import __version__
from wiresleuth.cli import console, exit_codes
from wiresleuth.errors import WireSleuthError

log = logging.getLogger("wiresleuth")

DEBUG_ENV = "WIRESLEUTH_DEBUG"
"""Set to 1 to see tracebacks (as ``--debug``), also where no option can be given."""


class _Parser(argparse.ArgumentParser):
    """argparse, with its errors as one line naming the command and where its help is."""

    def error(self, message: str) -> NoReturn:
        console.error(f"{message} (`{self.prog} --help` lists the options)", command=self.prog)
        raise SystemExit(exit_codes.COULD_NOT_RUN)


COMMANDS = {
    "run": "run_cmd",
    "watch": "watch_cmd",
    "report": "report_cmd",
    "send": "send_cmd",
    "lab": "lab_cmd",
    "listen": "listen_cmd",
    "analyze": "analyze_cmd",
    "open": "gui_cmd",
    "inbox": "inbox_cmd",
}
"""Command -> its module in ``wiresleuth.cli``, in the order ``--help`` lists them."""
_FLAGS = frozenset({"-v", "--verbose", "--debug"})
"""Top-level options that take no value (they may come before the command)."""


def command_named(argv: Sequence[str]) -> str | None:
    """The command ``argv`` names, when that is certain before parsing: its first word
    after flags only (a value could look like a command); None otherwise."""
    for word in argv:
        if word in _FLAGS:
            continue
        return word if word in COMMANDS else None
    return None


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """All commands and options; with ``only``, that command's alone.

    A command's module imports what it needs (analyze: the analysis; send: an HTTP client;
    run: the engine's plumbing): ``wiresleuth analyze FILE`` must not pay for the others
    before it starts, so only the named command's module is imported when it is known.
    """
    import importlib

    from wiresleuth.cli import gui_cmd

    parser = _Parser(
        prog="wiresleuth",
        description="Finds what breaks your connections, with evidence from the wire.",
    )
    parser.add_argument("--version", action="version", version=f"WireSleuth {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")
    parser.add_argument(
        "--debug",
        action="store_true",
        help=f"log details and show the traceback of an internal error (also: {DEBUG_ENV}=1)",
    )
    gui_cmd.add_window_options(parser)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module in COMMANDS.items():
        if only is None or name == only:
            importlib.import_module(f"wiresleuth.cli.{module}").register(commands)
    return parser


def has_display() -> bool:
    """Whether a window can be shown (a desktop session, or any Windows/macOS login)."""
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def debug_wanted(args: argparse.Namespace | None = None) -> bool:
    """Whether tracebacks are shown: ``--debug`` or ``WIRESLEUTH_DEBUG`` set to a true value."""
    if args is not None and getattr(args, "debug", False):
        return True
    return os.environ.get(DEBUG_ENV, "").strip().lower() not in ("", "0", "no", "false")


class _TerminalLogFormat(logging.Formatter):
    """Log lines on stderr: no traceback unless debugging (log.txt of a run keeps them all)."""

    def __init__(self, *, tracebacks: bool) -> None:
        super().__init__("%(levelname)s %(name)s: %(message)s")
        self._tracebacks = tracebacks

    def format(self, record: logging.LogRecord) -> str:
        if self._tracebacks or not record.exc_info:
            return super().format(record)
        exc = record.exc_info[1]
        shown = logging.makeLogRecord({**record.__dict__, "exc_info": None, "exc_text": None})
        line = super().format(shown)
        return f"{line} ({type(exc).__name__}: {exc})" if exc is not None else line


def _reported_elsewhere(record: logging.LogRecord) -> bool:
    """False for a logged error of our own kind: the front end says it in its own words."""
    exc = record.exc_info[1] if record.exc_info else None
    return not isinstance(exc, WireSleuthError)


def _log_to_stderr(args: argparse.Namespace) -> None:
    debug = debug_wanted(args)
    handler = logging.StreamHandler(sys.stderr)
    # On the handler, not the logger: the run log (log.txt) still gets every level.
    handler.setLevel(logging.DEBUG if args.verbose or debug else logging.WARNING)
    handler.setFormatter(_TerminalLogFormat(tracebacks=debug))
    if not debug:
        handler.addFilter(_reported_elsewhere)
    logging.getLogger().addHandler(handler)


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command; with none, open the window where there is a display, else run headless."""
    args: argparse.Namespace | None = None
    _one_blas_thread()
    _tracebacks_on_crash()
    _tolerant_streams()
    try:
        given = sys.argv[1:] if argv is None else list(argv)
        parser = build_parser(command_named(given))
        args = parser.parse_args(given)
        _log_to_stderr(args)
        from wiresleuth.input_files.extract_folders import sweep_stale

        sweep_stale()  # captures extracted by a viewer that was killed
        if args.command is None:
            from wiresleuth.cli import gui_cmd

            if has_display() or gui_cmd.wants_window(args):
                return gui_cmd.open_window(args)
            parser = build_parser("run")
            args = parser.parse_args([*given, "run"])  # all given are options of the window
        return int(args.handler(args))
    except KeyboardInterrupt:
        print("\nInterrupted.", file=sys.stderr)
        return exit_codes.COULD_NOT_RUN
    except BrokenPipeError:
        # Whoever read our output went away (`| head`): nothing more can be said to them.
        _silence_stdout()
        return exit_codes.COULD_NOT_RUN
    except WireSleuthError as exc:  # a command that forgot to catch its own error kind
        console.error(str(exc))
        if debug_wanted(args):
            traceback.print_exc()
        return exit_codes.COULD_NOT_RUN
    except Exception as exc:
        detail = str(exc)
        detail = f"{detail[:300]}…" if len(detail) > 300 else detail
        how = "" if debug_wanted(args) else f"; --debug or {DEBUG_ENV}=1 shows where"
        console.error(f"internal error: {type(exc).__name__}: {detail} (please report this{how})")
        if debug_wanted(args):
            traceback.print_exc()
        return exit_codes.COULD_NOT_RUN


def _tracebacks_on_crash() -> None:
    """A crash in native code (Qt, libpcap) prints every thread's Python stack on stderr
    instead of ending the program without a word (seen once: exit -11, nothing said)."""
    if sys.stderr is not None:
        with contextlib.suppress(AttributeError, OSError, RuntimeError, ValueError):
            faulthandler.enable()


def _one_blas_thread() -> None:
    """numpy does column arithmetic here (the capture reader, the plots), never linear
    algebra, so its OpenBLAS need not start a thread per core when numpy is imported: on a
    two-core machine those threads took some 60 ms of CPU (8 ms of wall time) from a short
    command's start (issue 15). Set before any import of numpy; a value the user set is kept."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def _tolerant_streams() -> None:
    """A character the terminal's encoding lacks (a cp1252 console, a pipe under LANG=C)
    is written as an escape, never a UnicodeEncodeError that ends the command."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="backslashreplace")


def _silence_stdout() -> None:
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
