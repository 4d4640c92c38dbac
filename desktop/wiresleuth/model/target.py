"""What to test: a site given as a URL or ``host:port``."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from wiresleuth.errors import BadInput

_DEFAULT_PORTS = {"https": 443, "http": 80}


@dataclass(frozen=True, kw_only=True)
class Target:
    """One endpoint a wizard tests."""

    host: str
    """Host name or literal address, as the user gave it (also the TLS SNI)."""
    port: int
    """TCP port."""
    scheme: str = "https"
    """``https`` or ``http``: decides whether a TLS handshake is expected."""
    path: str = "/"
    """Path to request once connected."""

    @property
    def key(self) -> str:
        """``host:port``, the name findings use for this target."""
        return f"{self.host}:{self.port}"

    @property
    def url(self) -> str:
        """The target as a URL."""
        default = _DEFAULT_PORTS.get(self.scheme)
        netloc = self.host if default == self.port else f"{self.host}:{self.port}"
        if ":" in self.host and not self.host.startswith("["):
            netloc = f"[{self.host}]" if default == self.port else f"[{self.host}]:{self.port}"
        return f"{self.scheme}://{netloc}{self.path}"

    @classmethod
    def parse(cls, text: str) -> Target:
        """Parse ``https://host[:port]/path`` or ``host:port``; raise BadInput naming the problem."""
        text = text.strip()
        if not text:
            raise BadInput("empty target")
        if "://" in text:
            parts = urlsplit(text)
            scheme = parts.scheme.lower()
            if scheme not in _DEFAULT_PORTS:
                raise BadInput(f"target {text!r}: only http:// and https:// URLs are supported")
            if not parts.hostname:
                raise BadInput(f"target {text!r} has no host name")
            try:
                port = parts.port or _DEFAULT_PORTS[scheme]
            except ValueError as exc:
                raise BadInput(f"target {text!r}: {exc}") from exc
            if parts.username or parts.password:
                raise BadInput(f"target {text!r}: credentials do not belong in a target URL")
            return cls(host=parts.hostname, port=port, scheme=scheme, path=parts.path or "/")
        host, sep, port_text = text.rpartition(":")
        if not sep or not host:
            raise BadInput(f"target {text!r}: give a URL (https://host/) or host:port")
        host = host.strip("[]")
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise BadInput(f"target {text!r}: port must be a number from 1 to 65535")
        port = int(port_text)
        scheme = "http" if port == 80 else "https"
        return cls(host=host, port=port, scheme=scheme)
