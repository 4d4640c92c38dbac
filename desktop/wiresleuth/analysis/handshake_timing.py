"""One rule for "the handshake was faster than the path": who completed it, the server or a
device in between.

A SYN-ACK that returns in a small fraction of the path's round trip cannot have come from
the server: a device nearer (a WCCP redirect, a WAN optimiser, a transparent proxy, a
carrier's "optimizer") answered in its place. The path's round trip comes from a probe of
the same address (ICMP echo, a closed port's reset), or, in a capture taken elsewhere, from
other handshakes with the same server and its echo replies. Every rule that asks the
question asks it here, so the thresholds cannot drift apart.
"""

from __future__ import annotations

INTERCEPT_RATIO = 0.25
"""A handshake this much faster than the path cannot have reached the server."""
MIN_PATH_RTT = 0.020
"""Below this path RTT, timing cannot tell a nearby device from the server (a busy host's own
ICMP handling alone can add 10-15 ms)."""
MIN_GAP = 0.015
"""The handshake must also be this much faster than the path in absolute terms."""


def faster_than_path(handshake: float, path: float) -> bool:
    """Whether a handshake of ``handshake`` seconds was too fast for a path of ``path``."""
    return path >= MIN_PATH_RTT and handshake < INTERCEPT_RATIO * path and path - handshake >= MIN_GAP


def much_faster(handshake: float, other: float) -> bool:
    """Whether the handshake took a small fraction of another round trip of the same
    connection (its data's acknowledgement): a SYN-ACK from a nearer hop shows so."""
    return handshake < INTERCEPT_RATIO * other
