"""What the commands print: results on stdout, one plain line per error on stderr.

Both go through ``report.terminal_text.for_terminal``: text from a bundle, a capture, a
profile or the network must never reach the terminal as raw control characters, and an
error message must stay one line whatever its exception carried.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from typing import Any

from wiresleuth.report.terminal_text import for_terminal

_BATCH = 1 << 18
"""Characters gathered before a write: few writes, and no more held."""


def show(text: str = "", *, end: str = "\n", to_stderr: bool = False) -> None:
    """Print ``text`` (newlines and tabs kept, control characters escaped)."""
    stream = sys.stderr if to_stderr else sys.stdout
    print(for_terminal(text), end=end, file=stream, flush=to_stderr)


def show_pieces(pieces: Iterable[str], *, end: str = "\n") -> None:
    """Print text that arrives in pieces as ``show`` would print it joined, holding at most
    a batch of it (escaping is per character, so a batch boundary changes nothing)."""
    batch: list[str] = []
    size = 0
    for piece in pieces:
        batch.append(piece)
        size += len(piece)
        if size >= _BATCH:
            sys.stdout.write(for_terminal("".join(batch)))
            batch, size = [], 0
    sys.stdout.write(for_terminal("".join(batch)) + end)


def show_json(data: Any, *, allow_nan: bool = True) -> None:
    """``data`` as indented JSON (``json.dumps(data, indent=2, ensure_ascii=False)``),
    streamed: the whole text, and the encoder's list of its pieces, are never held (for a
    report at the reader's item limit they were some 170 MB beside the report itself).
    Escapes are written as JSON escapes, so the output is still the same JSON."""
    encoder = json.JSONEncoder(indent=2, ensure_ascii=False, allow_nan=allow_nan)
    show_pieces(encoder.iterencode(data))


def error(message: str, *, command: str = "wiresleuth") -> None:
    """``wiresleuth: MESSAGE`` on stderr, as exactly one line."""
    print(f"{command}: {for_terminal(message, one_line=True)}", file=sys.stderr, flush=True)
