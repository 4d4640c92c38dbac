"""The path-proof wire format shared by ``wiresleuth listen`` and the proxy-path wizard.

One text line each way, readable with netcat (seed 004): the sender writes
``WIRESLEUTH-MARKER <marker> route=<route>``; the listener logs every line it gets and
answers ``WIRESLEUTH-ACK from=<ip>:<port> at=<epoch> <the line>``, so the sender learns which
source address the server saw (the proxy's, through a proxy). Pure: no sockets.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

MARKER_PREFIX = "WIRESLEUTH-MARKER"
ACK_PREFIX = "WIRESLEUTH-ACK"
MAX_LINE = 4096
"""Longest line the listener reads; longer input is cut (and logged as cut)."""


def new_marker() -> str:
    """A marker no other run will send: ``ws-`` and 16 random hex digits."""
    return f"ws-{secrets.token_hex(8)}"


def marker_line(marker: str, route: str) -> bytes:
    """The line the sender writes (``route`` without spaces: ``direct``, ``proxy:HOST:PORT``)."""
    return f"{MARKER_PREFIX} {marker} route={route.replace(' ', ':')}\n".encode("ascii")


def ack_line(text: str, source: str, port: int, at: float) -> bytes:
    """The listener's answer to one received line."""
    return f"{ACK_PREFIX} from={source}:{port} at={at:.6f} {text}\n".encode("utf-8", "replace")


@dataclass(frozen=True, kw_only=True)
class Ack:
    """A parsed acknowledgement."""

    source: str
    """Source address the listener saw."""
    port: int
    """Source port the listener saw."""
    at: float
    """The listener's clock when it logged the line (epoch seconds)."""
    text: str
    """The line it acknowledged."""

    def marker(self) -> str | None:
        """The marker the acknowledged line carried, if it was a marker line."""
        words = self.text.split()
        if len(words) >= 2 and words[0] == MARKER_PREFIX:
            return words[1]
        return None


def parse_ack(line: bytes) -> Ack | None:
    """An acknowledgement line, or None when the bytes are something else."""
    text = line.decode("utf-8", "replace").strip()
    words = text.split(" ", 3)
    if len(words) < 3 or words[0] != ACK_PREFIX:
        return None
    if not words[1].startswith("from=") or not words[2].startswith("at="):
        return None
    source, _, port = words[1][5:].rpartition(":")
    try:
        at = float(words[2][3:])
    except ValueError:
        return None
    if not source or not port.isdigit():
        return None
    return Ack(
        source=source.strip("[]"), port=int(port), at=at, text=words[3] if len(words) > 3 else ""
    )


def describe_line(data: bytes) -> tuple[str, bool]:
    """A received line as printable text, and whether it is a marker line."""
    text = data.rstrip(b"\r\n").decode("utf-8", "backslashreplace")
    printable = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)
    return printable, printable.startswith(MARKER_PREFIX + " ")
