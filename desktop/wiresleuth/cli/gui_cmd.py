"""The desktop window from the command line: ``wiresleuth open FILE`` and ``--screenshot``.

``wiresleuth`` alone opens the window where there is a display; ``--screenshot FILE.png``
renders it once laid out and exits (offscreen when there is no display), also after
``open BUNDLE``. Qt is imported only when a window is really wanted.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from wiresleuth.cli import exit_codes

THEMES = ("system", "light", "dark")


def _window_options(parser: argparse.ArgumentParser, *, default: object) -> None:
    parser.add_argument(
        "--screenshot",
        type=Path,
        metavar="FILE.png",
        default=default,
        help="render the window to FILE.png once it is laid out, then exit (works without a display)",
    )
    parser.add_argument(
        "--theme",
        choices=THEMES,
        default=default,
        help="window palette (default: as the system)",
    )


def add_window_options(parser: argparse.ArgumentParser) -> None:
    """``--screenshot`` and ``--theme`` for ``wiresleuth`` without a command (the window)."""
    _window_options(parser, default=None)


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``open`` command."""
    parser = commands.add_parser(
        "open",
        help="open a bundle or a capture file in the window (two files: compare them)",
        description=(
            "Opens a .wsbundle, or a .pcap/.pcapng file (analysed with the same analysis), in "
            "the viewer; with two files, shows what differs between them."
        ),
    )
    parser.add_argument(
        "files", nargs="+", type=Path, metavar="FILE", help="bundle or capture (one or two)"
    )
    _window_options(parser, default=argparse.SUPPRESS)  # keep values given before "open"
    parser.set_defaults(handler=open_files)


def wants_window(args: argparse.Namespace) -> bool:
    """Whether the options given ask for the window even without a display."""
    return getattr(args, "screenshot", None) is not None


def open_window(args: argparse.Namespace, files: list[Path] | None = None) -> int:
    """Show the window (offscreen for a screenshot without a display); its exit code."""
    from wiresleuth.cli.main import debug_wanted, has_display

    screenshot: Path | None = getattr(args, "screenshot", None)
    if screenshot is None and not has_display():
        print(
            "wiresleuth: no display to show the window on; `wiresleuth report BUNDLE` prints a "
            "bundle's findings, `--screenshot FILE.png` renders the window without a display",
            file=sys.stderr,
        )
        return exit_codes.COULD_NOT_RUN
    if screenshot is not None and not screenshot.parent.is_dir():
        print(f"wiresleuth: folder {screenshot.parent} does not exist", file=sys.stderr)
        return exit_codes.COULD_NOT_RUN
    from wiresleuth.gui.app import run_window
    from wiresleuth.gui.qt_theme import Theme

    return run_window(
        open_paths=files or [],
        screenshot=screenshot,
        theme=Theme(getattr(args, "theme", None) or "system"),
        offscreen=not has_display(),
        tracebacks=debug_wanted(args),
    )


def open_files(args: argparse.Namespace) -> int:
    """``wiresleuth open FILE [FILE2]``."""
    files: list[Path] = args.files
    if len(files) > 2:
        print("wiresleuth: open takes one file, or two to compare", file=sys.stderr)
        return exit_codes.COULD_NOT_RUN
    missing = [f for f in files if not f.exists()]
    if missing:
        print(f"wiresleuth: no such file: {missing[0]}", file=sys.stderr)
        return exit_codes.COULD_NOT_RUN
    from wiresleuth.errors import BadInput
    from wiresleuth.input_files.regular import check_regular

    try:  # a FIFO or a device: refused here, before the window starts
        for file in files:
            check_regular(file, what="a bundle or a capture file", error=BadInput)
    except BadInput as exc:
        print(f"wiresleuth: {exc}", file=sys.stderr)
        return exit_codes.COULD_NOT_RUN
    return open_window(args, files)
