"""Answering a proxy's 407 with credentials the user typed in this run (never stored).

Basic is built here (one header); NTLM and Negotiate are delegated to pyspnego, which does
NTLM in pure Python on every platform and Negotiate through SSPI (Windows) or GSSAPI
(elsewhere, when installed; otherwise Negotiate falls back to NTLM inside SPNEGO). Scheme
choice: NTLM, then Negotiate, then Basic: NTLM works with typed credentials everywhere,
while Negotiate without Kerberos would be refused by a Kerberos-only proxy and read as
"credentials rejected".
"""

from __future__ import annotations

import abc
import base64
from dataclasses import dataclass, field

SUPPORTED = ("NTLM", "Negotiate", "Basic")
"""Schemes we can answer, in the order we prefer them."""


@dataclass(frozen=True)
class ProxyCredentials:
    """A user name and password typed for the proxy in this run; the password never prints."""

    user: str
    """User name (``DOMAIN\\user`` for NTLM)."""
    password: str = field(repr=False)
    """The password; kept in memory only for this run."""


class ProxyAuthenticator(abc.ABC):
    """One authentication with one scheme: the header values to send, round by round."""

    scheme: str

    @abc.abstractmethod
    def first(self) -> str:
        """The ``Proxy-Authorization`` value of the first authenticated request."""

    def next(self, challenge: str | None) -> str | None:
        """The value answering a 407 challenge token; None when there is no further round."""
        del challenge
        return None


class _Basic(ProxyAuthenticator):
    scheme = "Basic"

    def __init__(self, credentials: ProxyCredentials) -> None:
        self._credentials = credentials

    def first(self) -> str:
        raw = f"{self._credentials.user}:{self._credentials.password}".encode()
        return "Basic " + base64.b64encode(raw).decode("ascii")


class _Spnego(ProxyAuthenticator):
    """NTLM or Negotiate through pyspnego: a connection-bound, multi-round exchange."""

    def __init__(self, scheme: str, credentials: ProxyCredentials, proxy_host: str) -> None:
        import spnego

        self.scheme = scheme
        self._context = spnego.client(
            credentials.user,
            credentials.password,
            hostname=proxy_host,
            service="HTTP",
            protocol="ntlm" if scheme == "NTLM" else "negotiate",
        )

    def first(self) -> str:
        token = self._context.step()
        if token is None:
            raise ValueError(f"{self.scheme}: no first token")
        return f"{self.scheme} {base64.b64encode(token).decode('ascii')}"

    def next(self, challenge: str | None) -> str | None:
        if self._context.complete or challenge is None:
            return None
        token = self._context.step(base64.b64decode(challenge))
        return None if token is None else f"{self.scheme} {base64.b64encode(token).decode('ascii')}"


def choose_authenticator(
    offered: tuple[str, ...], credentials: ProxyCredentials, proxy_host: str
) -> tuple[ProxyAuthenticator | None, str | None]:
    """An authenticator for the best scheme offered, or None and why none could be used."""
    lower = {s.lower(): s for s in offered}
    problems: list[str] = []
    for scheme in SUPPORTED:
        if scheme.lower() not in lower:
            continue
        if scheme == "Basic":
            return _Basic(credentials), None
        try:
            return _Spnego(scheme, credentials, proxy_host), None
        except ImportError:
            problems.append(f"{scheme}: pyspnego is not installed")
        except Exception as exc:  # pyspnego raises its own errors for missing platform support
            problems.append(f"{scheme}: {type(exc).__name__}: {exc}")
    unsupported = [s for s in offered if s not in SUPPORTED]
    if unsupported:
        problems.append(f"no support for {', '.join(unsupported)}")
    return None, "; ".join(problems) or "the proxy offered no scheme"
