"""DSCP code point names, so reports say "EF" (voice) instead of 46."""

from __future__ import annotations

_NAMES: dict[int, str] = {
    0: "CS0",
    1: "LE",  # RFC 8622 lower effort
    8: "CS1",
    10: "AF11",
    12: "AF12",
    14: "AF13",
    16: "CS2",
    18: "AF21",
    20: "AF22",
    22: "AF23",
    24: "CS3",
    26: "AF31",
    28: "AF32",
    30: "AF33",
    32: "CS4",
    34: "AF41",
    36: "AF42",
    38: "AF43",
    40: "CS5",
    44: "VA",  # RFC 5865 voice admit
    46: "EF",
    48: "CS6",
    56: "CS7",
}


def dscp_name(value: int) -> str:
    """The standard name of a DSCP value (EF, AF11..AF43, CS0..CS7, VA, LE), else the number."""
    return _NAMES.get(value, str(value))
