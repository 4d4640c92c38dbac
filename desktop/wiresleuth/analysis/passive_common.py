"""Small helpers the passive findings share: texts, hop counts, who spoke TLS."""

from __future__ import annotations

from functools import partial

from wiresleuth.analysis.passive_model import WIZARD
from wiresleuth.analysis.passive_tcp import TcpConversation
from wiresleuth.analysis.passive_tls_walk import Record
from wiresleuth.model.finding import conclude

CLIENT_HELLO = 1
SERVER_HELLO = 2
INITIAL_TTLS = (32, 64, 128, 255)
"""TTLs operating systems start packets with; the hop count is the distance to the next."""


make_finding = partial(conclude, WIZARD)
"""A finding of the ``analyze`` wizard: ``conclude`` with the wizard named."""


def ms(seconds: float) -> str:
    """0.028 ms, 103.2 ms, 3.25 s."""
    if seconds < 0.001:
        return f"{seconds * 1000:.3f} ms"
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def hops(ttl: int) -> int:
    """Routers crossed by a packet that arrived with this TTL (from the usual initial TTLs)."""
    start = next((initial for initial in INITIAL_TTLS if initial >= ttl), 255)
    return start - ttl


def mac_text(mac: int) -> str | None:
    """``aa:bb:cc:dd:ee:ff`` of a 48-bit number (None for -1)."""
    if mac < 0:
        return None
    return ":".join(f"{(mac >> shift) & 0xFF:02x}" for shift in range(40, -8, -8))


def client_hello(conv: TcpConversation) -> Record | None:
    """The client's ClientHello record, when the client spoke TLS."""
    return conv.client.tls.first_handshake(CLIENT_HELLO)


def server_hello(conv: TcpConversation) -> Record | None:
    """The server's ServerHello record."""
    return conv.server.tls.first_handshake(SERVER_HELLO)


def first_line(text: bytes, limit: int = 120) -> str:
    """The first line of captured bytes, printable."""
    line = text.split(b"\r\n", 1)[0].split(b"\n", 1)[0][:limit].decode("latin-1")
    return "".join(c if c.isprintable() else "." for c in line)


def plural(count: int, word: str) -> str:
    """``1 connection``, ``3 connections``."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"
