"""``wiresleuth`` entry point: parses arguments and hands over to one command module."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from wiresleuth import __version__
from wiresleuth.cli import exit_codes

log = logging.getLogger("wiresleuth")


def build_parser() -> argparse.ArgumentParser:
    """All commands and options."""
    from wiresleuth.cli import analyze_cmd, gui_cmd, lab_cmd, listen_cmd, report_cmd, run_cmd

    parser = argparse.ArgumentParser(
        prog="wiresleuth",
        description="Finds what breaks your connections, with evidence from the wire.",
    )
    parser.add_argument("--version", action="version", version=f"WireSleuth {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")
    gui_cmd.add_window_options(parser)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    run_cmd.register(commands)
    report_cmd.register(commands)
    lab_cmd.register(commands)
    listen_cmd.register(commands)
    analyze_cmd.register(commands)
    gui_cmd.register(commands)
    return parser


def has_display() -> bool:
    """Whether a window can be shown (a desktop session, or any Windows/macOS login)."""
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command; with none, open the window where there is a display, else run headless."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = logging.StreamHandler(sys.stderr)
    # On the handler, not the logger: the run log (log.txt) still gets every level.
    handler.setLevel(logging.DEBUG if args.verbose else logging.WARNING)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logging.getLogger().addHandler(handler)
    if args.command is None:
        from wiresleuth.cli import gui_cmd

        if has_display() or gui_cmd.wants_window(args):
            return gui_cmd.open_window(args)
        args = parser.parse_args(["run", *(argv or [])])
    try:
        return int(args.handler(args))
    except KeyboardInterrupt:
        print("\nInterrupted.", file=sys.stderr)
        return exit_codes.COULD_NOT_RUN
