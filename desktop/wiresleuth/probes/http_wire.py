"""HTTP/1.1 as a proxy client speaks it: the requests, and an incremental response-head parser.

No I/O here: probes feed the bytes they read to ``ResponseParser`` and send what the request
builders return, so the protocol logic is tested as scripted exchanges without sockets.
Header lines are parsed by the standard library (``http.client.parse_headers``).
"""

from __future__ import annotations

import http.client
import io
from dataclasses import dataclass

from wiresleuth.model.proxy_observations import HttpAnswer

USER_AGENT = "WireSleuth (network diagnostics)"
MAX_HEAD = 64 * 1024
"""A response head larger than this is not HTTP from any proxy we want to talk to."""

PROXY_HEADERS = (
    "via",
    "x-cache",
    "x-cache-lookup",
    "x-bypass-cache",
    "x-squid-error",
    "proxy-agent",
    "x-forwarded-for",
    "proxy-connection",
    "x-proxy-id",
    "x-bluecoat-via",
)
"""Headers a proxy or cache adds (names in lower case): they name the device in the path."""


class NotHttp(ValueError):
    """The peer's bytes are not an HTTP response."""


def _head(lines: list[str]) -> bytes:
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def connect_request(target: str, *, auth: str | None = None) -> bytes:
    """``CONNECT host:port``; ``auth`` is a ready ``Proxy-Authorization`` value."""
    lines = [
        f"CONNECT {target} HTTP/1.1",
        f"Host: {target}",
        f"User-Agent: {USER_AGENT}",
        "Proxy-Connection: keep-alive",
    ]
    if auth is not None:
        lines.append(f"Proxy-Authorization: {auth}")
    return _head(lines)


def proxy_get_request(url: str, host: str, *, auth: str | None = None) -> bytes:
    """``GET http://host/path`` as sent to a forward proxy (absolute URI)."""
    lines = [
        f"GET {url} HTTP/1.1",
        f"Host: {host}",
        f"User-Agent: {USER_AGENT}",
        "Proxy-Connection: keep-alive",
        "Cache-Control: no-cache",
    ]
    if auth is not None:
        lines.append(f"Proxy-Authorization: {auth}")
    return _head(lines)


def origin_request(method: str, host: str, path: str = "/", *, keep_alive: bool) -> bytes:
    """A request to an origin server (direct, or inside a tunnel)."""
    return _head(
        [
            f"{method} {path} HTTP/1.1",
            f"Host: {host}",
            f"User-Agent: {USER_AGENT}",
            f"Connection: {'keep-alive' if keep_alive else 'close'}",
        ]
    )


def auth_schemes(answer: HttpAnswer) -> tuple[str, ...]:
    """The schemes a 407 offers (``Negotiate``, ``NTLM``, ``Basic``...), in the proxy's order."""
    found: dict[str, None] = {}
    for value in answer.values("Proxy-Authenticate"):
        for part in value.split(","):
            word = part.strip().split(" ", 1)[0]
            if word and "=" not in word:
                found.setdefault(word, None)
    return tuple(found)


def challenge_token(answer: HttpAnswer, scheme: str) -> str | None:
    """The token after ``scheme`` in a ``Proxy-Authenticate`` header (NTLM/Negotiate round 2)."""
    for value in answer.values("Proxy-Authenticate"):
        word, _, rest = value.strip().partition(" ")
        if word.lower() == scheme.lower() and rest.strip():
            return rest.strip()
    return None


def proxy_headers(answer: HttpAnswer) -> dict[str, str]:
    """Headers that show a proxy or cache handled the response (name -> values joined)."""
    found: dict[str, list[str]] = {}
    for name, value in answer.headers:
        if name.lower() in PROXY_HEADERS:
            found.setdefault(name, []).append(value)
    return {name: ", ".join(values) for name, values in found.items()}


def body_length(answer: HttpAnswer, *, method: str) -> int | None:
    """Bytes of body that follow the head; None when only closing the connection ends it."""
    if method == "HEAD" or answer.status in (204, 304) or 100 <= answer.status < 200:
        return 0
    if method == "CONNECT" and 200 <= answer.status < 300:
        return 0
    if any("chunked" in v.lower() for v in answer.values("Transfer-Encoding")):
        return None
    lengths = answer.values("Content-Length")
    if lengths and lengths[0].strip().isdigit():
        return int(lengths[0].strip())
    return None


def keeps_alive(answer: HttpAnswer) -> bool:
    """Whether the peer keeps the connection open after this answer (HTTP/1.1 default)."""
    tokens = {
        t.strip().lower()
        for name in ("Connection", "Proxy-Connection")
        for v in answer.values(name)
        for t in v.split(",")
    }
    return "close" not in tokens


@dataclass
class ResponseParser:
    """Feed received bytes; ``answer`` is set once the head is complete, ``rest`` holds what
    followed it (body bytes, or the first bytes of a tunnel)."""

    buffer: bytes = b""
    answer: HttpAnswer | None = None
    rest: bytes = b""

    def feed(self, data: bytes, at: float | None = None) -> HttpAnswer | None:
        """Add bytes; return the answer when this call completed the head. NotHttp otherwise."""
        if self.answer is not None:
            self.rest += data
            return None
        self.buffer += data
        if len(self.buffer) >= 5 and not self.buffer.startswith(b"HTTP/"):
            raise NotHttp(f"answer does not start with HTTP/: {self.buffer[:40]!r}")
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            if len(self.buffer) > MAX_HEAD:
                raise NotHttp(f"no end of the response head in {MAX_HEAD} bytes")
            return None
        head, self.rest = self.buffer[:end], self.buffer[end + 4 :]
        self.buffer = b""
        self.answer = parse_head(head, at)
        return self.answer


def parse_head(head: bytes, at: float | None = None) -> HttpAnswer:
    """Status line and headers of a response head (without the blank line)."""
    status_line, _, header_block = head.partition(b"\r\n")
    parts = status_line.decode("latin-1").split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].isdigit():
        raise NotHttp(f"bad status line {status_line[:80]!r}")
    message = http.client.parse_headers(io.BytesIO(header_block + b"\r\n\r\n"))
    headers = tuple((str(k), str(v)) for k, v in message.items())
    return HttpAnswer(
        status=int(parts[1]), reason=parts[2] if len(parts) > 2 else "", headers=headers, at=at
    )
