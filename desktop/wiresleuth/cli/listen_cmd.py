"""``wiresleuth listen PORT [--bind ADDR]``: the server side of the path proof (case C9).

Run it on the application's server, on the application's port (stop the application for the
test, or pick a free port the firewall treats alike). It prints one line per connection and
per received line, with the source address and time, and acknowledges every line so the
sender knows it arrived and from which address it was seen. No capture rights, no window.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
from pathlib import Path
from typing import TextIO

from wiresleuth.cli import console, exit_codes
from wiresleuth.report.terminal_text import for_terminal

_COMMAND = "wiresleuth listen"


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``listen`` command."""
    parser = commands.add_parser(
        "listen", help="server side of the path proof: log every marker that arrives"
    )
    parser.add_argument("port", type=int, help="TCP port to listen on (the application's)")
    parser.add_argument(
        "--bind", default="", metavar="ADDR", help="address to listen on (default: all)"
    )
    parser.add_argument("--log", type=Path, metavar="FILE", help="also append the lines to FILE")
    parser.add_argument("--ready-file", type=Path, help=argparse.SUPPRESS)
    parser.set_defaults(handler=listen)


def listen(args: argparse.Namespace) -> int:
    """Listen until Ctrl-C or SIGTERM; exit 2 when the port cannot be opened."""
    from wiresleuth.probes.marker_listener import serve_markers

    if not 0 < args.port < 65536:
        console.error("the port must be from 1 to 65535", command=_COMMAND)
        return exit_codes.COULD_NOT_RUN
    log_file: TextIO | None = None
    try:
        if args.log is not None:
            log_file = args.log.open("a", encoding="utf-8")
    except OSError as exc:
        console.error(f"cannot open {args.log}: {exc.strerror or exc}", command=_COMMAND)
        return exit_codes.COULD_NOT_RUN

    def sink(line: str) -> None:
        line = for_terminal(
            line, one_line=True
        )  # what a peer sent is already escaped; twice is safe
        print(line, flush=True)
        if log_file is not None:
            log_file.write(line + "\n")
            log_file.flush()

    def ready() -> None:
        if args.ready_file is not None:
            args.ready_file.write_text("ready\n")

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await serve_markers(args.bind, args.port, sink, stop=stop, ready=ready)

    try:
        asyncio.run(main())
    except (OSError, ValueError) as exc:  # ValueError: a --bind that is no address at all
        console.error(
            f"cannot listen on {args.bind or '*'}:{args.port}: "
            f"{getattr(exc, 'strerror', None) or exc}",
            command=_COMMAND,
        )
        return exit_codes.COULD_NOT_RUN
    finally:
        if log_file is not None:
            log_file.close()
    return exit_codes.NO_PROBLEM
