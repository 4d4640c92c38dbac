"""Contrast between two colours as WCAG 2 defines it (relative luminance, 1:1 to 21:1).

Text needs 4.5:1 against what it is drawn on (WCAG 1.4.3), the parts of a chart or control
one must see to use it 3:1 (1.4.11). The window's palettes and the viewer's colours are
checked against these by a test, computed from the colours themselves.
"""

from __future__ import annotations

TEXT = 4.5
"""Least contrast for text and links (WCAG 2 AA, 1.4.3)."""
GRAPHIC = 3.0
"""Least contrast for the graphical parts one must see (WCAG 2 AA, 1.4.11)."""

Rgb = tuple[int, int, int]


def rgb(colour: str) -> Rgb:
    """``#rrggbb`` as three 0-255 values."""
    text = colour.lstrip("#")
    if len(text) != 6:
        raise ValueError(f"not a #rrggbb colour: {colour!r}")
    return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: Rgb) -> float:
    """WCAG relative luminance (0 black, 1 white)."""
    r, g, b = colour
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(a: Rgb, b: Rgb) -> float:
    """Contrast ratio of two colours (1 to 21)."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def over(top: Rgb, alpha: int, below: Rgb) -> Rgb:
    """``top`` at opacity ``alpha`` (0-255) painted over ``below``: what the eye sees."""
    share = alpha / 255
    return (
        round(top[0] * share + below[0] * (1 - share)),
        round(top[1] * share + below[1] * (1 - share)),
        round(top[2] * share + below[2] * (1 - share)),
    )
