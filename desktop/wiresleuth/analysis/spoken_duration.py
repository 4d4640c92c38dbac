"""A duration as a person says it in a sentence: "3.0 s", "40 ms", "less than 1 ms".

"Reset after 0.0 s" reads as "at once, or never": a duration under a tenth of a second is
said in milliseconds instead.
"""

from __future__ import annotations


def spoken_duration(seconds: float) -> str:
    """``seconds`` for a title or a user's sentence (one decimal of a second, or whole ms)."""
    if seconds >= 0.1:
        return f"{seconds:.1f} s"
    milliseconds = seconds * 1000
    if milliseconds < 1:
        return "less than 1 ms"
    return f"{milliseconds:.0f} ms"
