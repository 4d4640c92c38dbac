"""What to test: a site given as a URL or ``host:port``."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from wiresleuth.errors import BadInput

_DEFAULT_PORTS = {"https": 443, "http": 80}
_LABEL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?")
"""One label of a host name as resolvers accept it (underscores occur in corporate names)."""
_MAX_LABEL = 63
_MAX_NAME = 253


def host_problem(host: str) -> str | None:
    """Why ``host`` cannot be looked up or connected to (None when it can).

    Checked before a run starts: the system resolver fails on such names in ways that are
    not network answers (Python's IDNA codec raises for a label over 63 characters).
    """
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return None
    name = host[:-1] if host.endswith(".") else host
    if not name:
        return "the host name is empty"
    for label in name.split("."):
        if not label:
            return "the host name has an empty part (two dots in a row, or a leading dot)"
        if len(label) > _MAX_LABEL:
            return (
                f"the part {label[:16]}… of the host name is {len(label)} characters long; "
                f"DNS allows at most {_MAX_LABEL}"
            )
    try:
        ascii_name = name.encode("idna").decode("ascii")
    except UnicodeError:
        return "the host name is not a valid international domain name"
    if len(ascii_name) > _MAX_NAME:
        return f"the host name is {len(ascii_name)} characters long; DNS allows at most {_MAX_NAME}"
    labels = ascii_name.split(".")
    for label in labels:
        if len(label) > _MAX_LABEL:
            return f"a part of the host name is longer than {_MAX_LABEL} characters once encoded"
        if not _LABEL.fullmatch(label):
            return (
                f"{label!r} is not a valid part of a host name (letters, digits, '-' and '_', "
                "not starting or ending with '-')"
            )
    if labels[-1].isdigit():
        return "it looks like an IPv4 address but is not one (four numbers from 0 to 255)"
    return None


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
            try:
                parts = urlsplit(text)
            except ValueError as exc:  # e.g. an unclosed [IPv6 bracket
                raise BadInput(f"target {_shown(text)}: {exc}") from exc
            scheme = parts.scheme.lower()
            if scheme not in _DEFAULT_PORTS:
                raise BadInput(
                    f"target {_shown(text)}: only http:// and https:// URLs are supported"
                )
            if not parts.hostname:
                raise BadInput(f"target {_shown(text)} has no host name")
            try:
                port = parts.port or _DEFAULT_PORTS[scheme]
            except ValueError as exc:
                raise BadInput(f"target {_shown(text)}: {exc}") from exc
            if parts.username or parts.password:
                raise BadInput(f"target {_shown(text)}: credentials do not belong in a target URL")
            return cls(
                host=_checked(parts.hostname, text),
                port=port,
                scheme=scheme,
                path=parts.path or "/",
            )
        host, sep, port_text = text.rpartition(":")
        if not sep or not host:
            raise BadInput(f"target {_shown(text)}: give a URL (https://host/) or host:port")
        host = host.strip("[]")
        digits = port_text.isascii() and port_text.isdigit() and len(port_text) <= 5
        if not digits or not 0 < int(port_text) < 65536:
            raise BadInput(f"target {_shown(text)}: port must be a number from 1 to 65535")
        port = int(port_text)
        scheme = "http" if port == 80 else "https"
        return cls(host=_checked(host, text), port=port, scheme=scheme)


def _shown(text: str) -> str:
    """The target as an error message quotes it: whole, unless it is absurdly long."""
    return repr(text if len(text) <= 100 else text[:100] + "…")


def _checked(host: str, text: str) -> str:
    problem = host_problem(host)
    if problem is not None:
        raise BadInput(f"target {_shown(text)}: {problem}")
    return host
