"""Control characters and bidi overrides never reach a terminal raw."""

from __future__ import annotations

import json
import unicodedata

import pytest

from wiresleuth.report.terminal_text import for_terminal

HOSTILE = (
    "\x1b[2J\x1b[H"  # clear screen, cursor home
    "\x1b]52;c;cHduZWQ=\x07"  # OSC 52: write the clipboard
    "\x1b]0;owned\x1b\\"  # window title
    "\x9b31m\x9d0;t\x9c"  # the same as C1 code points
    "\x7f\x08\r\x00"
    "\u202eevil\u202c\u2066x\u2069\u200f\u061c\u2028"
    "\udcff"  # a lone surrogate from an undecodable byte
)


def _raw_controls(text: str) -> list[str]:
    return [
        c
        for c in text
        if (c not in "\n\t" and unicodedata.category(c) in ("Cc", "Cs", "Zl", "Zp"))
        or 0x202A <= ord(c) <= 0x202E
        or 0x2066 <= ord(c) <= 0x2069
        or c in "\u200e\u200f\u061c"
    ]


def test_every_control_and_bidi_character_is_escaped() -> None:
    assert _raw_controls(HOSTILE)  # the sample does hold them
    shown = for_terminal(HOSTILE)
    assert _raw_controls(shown) == []
    assert "\\u001b[2J" in shown and "\\u009b" in shown and "\\u202e" in shown
    assert "\\r" in shown and "\\udcff" in shown
    shown.encode("utf-8")  # printable on a UTF-8 terminal: no lone surrogate left


def test_newlines_and_tabs_stay_unless_one_line_is_asked() -> None:
    assert for_terminal("a\n\tb") == "a\n\tb"
    assert for_terminal("a\n\tb", one_line=True) == "a\\n\\tb"
    assert for_terminal("Grüße, 東京 ✓") == "Grüße, 東京 ✓"


@pytest.mark.parametrize("one_line", [False, True])
def test_escaping_is_idempotent(one_line: bool) -> None:
    once = for_terminal(HOSTILE, one_line=one_line)
    assert for_terminal(once, one_line=one_line) == once


def test_json_stays_the_same_json() -> None:
    data = {"title": HOSTILE.replace("\udcff", ""), "list": ["\x1b", "\u2029", "ok"]}
    text = json.dumps(data, indent=2, ensure_ascii=False)
    shown = for_terminal(text)
    assert _raw_controls(shown) == []
    assert json.loads(shown) == data
