"""What the commands print: results on stdout, one plain line per error on stderr.

Both go through ``report.terminal_text.for_terminal``: text from a bundle, a capture, a
profile or the network must never reach the terminal as raw control characters, and an
error message must stay one line whatever its exception carried.
"""

from __future__ import annotations

import sys

from wiresleuth.report.terminal_text import for_terminal


def show(text: str = "", *, end: str = "\n", to_stderr: bool = False) -> None:
    """Print ``text`` (newlines and tabs kept, control characters escaped)."""
    stream = sys.stderr if to_stderr else sys.stdout
    print(for_terminal(text), end=end, file=stream, flush=to_stderr)


def error(message: str, *, command: str = "wiresleuth") -> None:
    """``wiresleuth: MESSAGE`` on stderr, as exactly one line."""
    print(f"{command}: {for_terminal(message, one_line=True)}", file=sys.stderr, flush=True)
