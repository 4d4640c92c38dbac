"""How many answer bytes wait unread in a socket, as an exchange that heard nothing ends.

A program not scheduled in time (a loaded or suspended machine) finds its deadline past
before it reads: the answer may have been in the socket all along. Peeked, not consumed, so
that the silence it reports can be told from the network's (``analysis.answer_on_wire``).
"""

from __future__ import annotations

import socket

LIMIT = 64 * 1024
"""At most this many bytes are peeked: any is enough to know the answer came."""


def unread_bytes(sock: socket.socket, limit: int = LIMIT) -> int:
    """Bytes waiting in ``sock`` (at most ``limit``), without waiting or consuming them; 0
    when none, or when the socket can tell nothing (closed, reset)."""
    try:
        return len(sock.recv(limit, socket.MSG_PEEK | socket.MSG_DONTWAIT))
    except OSError:
        return 0
