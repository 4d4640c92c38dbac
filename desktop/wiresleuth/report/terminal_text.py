"""Text from a bundle, a capture or the network, made safe to print on a terminal.

A hostile bundle can hold escape sequences that clear the screen, set the window title or
write the clipboard (OSC 52), and bidi overrides that make text read differently from what
it is. Every string of outside origin goes through ``for_terminal`` before it is printed.

Written by hand because no library does exactly this: escapes are spelled as JSON escapes
(``\\u001b``, ``\\n``), so the same function keeps ``--json`` output valid JSON that decodes to
the very same strings, while a person still sees what was there.
"""

from __future__ import annotations

import re

_ALWAYS = (
    "\x00-\x08\x0b-\x1f"  # C0 controls except tab and newline (CR, ESC, BEL, BS…)
    "\x7f-\x9f"  # DEL and the C1 controls (CSI, OSC, ST as single code points)
    "\u061c\u200e\u200f"  # bidi marks: Arabic letter mark, LRM, RLM
    "\u2028-\u202e"  # line/paragraph separators, bidi embeddings and overrides
    "\u2066-\u2069"  # bidi isolates
    "\ud800-\udfff"  # lone surrogates (undecodable bytes): printing them would raise
)
_MULTI_LINE = re.compile(f"[{_ALWAYS}]")
_ONE_LINE = re.compile(f"[{_ALWAYS}\t\n]")
_SHORT = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return _SHORT.get(char) or f"\\u{ord(char):04x}"


def for_terminal(text: str, *, one_line: bool = False) -> str:
    """``text`` with control characters and bidi overrides written as visible escapes.

    Newlines and tabs are kept unless ``one_line`` (error messages, single-line fields).
    Idempotent: its output holds nothing it would escape again.
    """
    return (_ONE_LINE if one_line else _MULTI_LINE).sub(_escape, text)
