"""Pure reading of an HTTP/1.x response as received: status line, headers, body so far."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, kw_only=True)
class HttpHead:
    """The head of an HTTP response and what of the body followed it."""

    status_line: str
    """First line, verbatim (``HTTP/1.1 404 Not Found``)."""
    version: str
    """``HTTP/1.1``."""
    status: int
    """Status code."""
    reason: str
    """Reason phrase."""
    headers: dict[str, str] = field(default_factory=dict)
    """Header fields, names lower-cased; repeated fields joined with ``, ``."""
    body: bytes = b""
    """Bytes after the blank line (as received, not de-chunked)."""

    def header(self, name: str) -> str | None:
        """A header's value, or None."""
        return self.headers.get(name.lower())

    @property
    def content_length(self) -> int | None:
        """Content-Length when present and valid."""
        value = self.header("content-length")
        return int(value) if value is not None and value.strip().isdigit() else None

    @property
    def chunked(self) -> bool:
        """Whether the body uses chunked transfer coding."""
        return "chunked" in (self.header("transfer-encoding") or "").lower()

    @property
    def complete(self) -> bool:
        """Whether the body is all here by its own framing (length or last chunk)."""
        if self.chunked:
            return self.body.endswith(b"0\r\n\r\n")
        length = self.content_length
        return length is not None and len(self.body) >= length

    def text_body(self) -> str:
        """The body decoded for a PAC script: chunked framing removed, UTF-8 (Latin-1 fallback)."""
        raw = _dechunk(self.body) if self.chunked else self.body
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw.decode("latin-1")


def _dechunk(data: bytes) -> bytes:
    out = bytearray()
    rest = data
    while rest:
        size_line, sep, rest = rest.partition(b"\r\n")
        if not sep:
            break
        try:
            size = int(size_line.split(b";")[0].strip() or b"0", 16)
        except ValueError:
            break
        if size == 0:
            break
        out += rest[:size]
        rest = rest[size + 2 :]
    return bytes(out)


def parse_head(data: bytes) -> HttpHead | None:
    """The response head if ``data`` starts with a complete one (``HTTP/x.y NNN ...``), else None."""
    if not data.startswith(b"HTTP/"):
        return None
    head, sep, body = data.partition(b"\r\n\r\n")
    if not sep:
        head, sep, body = data.partition(b"\n\n")
        if not sep:
            return None
    lines = head.decode("latin-1").replace("\r\n", "\n").split("\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[1].isdigit():
        return None
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if not colon:
            continue
        key = name.strip().lower()
        headers[key] = f"{headers[key]}, {value.strip()}" if key in headers else value.strip()
    return HttpHead(
        status_line=lines[0].strip(),
        version=parts[0],
        status=int(parts[1]),
        reason=parts[2].strip() if len(parts) > 2 else "",
        headers=headers,
        body=body,
    )
