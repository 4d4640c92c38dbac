"""Proxy settings visible in the environment, with credentials removed before they are kept."""

from __future__ import annotations

import urllib.request


def redact_credentials(value: str) -> str:
    """``http://user:pass@proxy:3128`` -> ``http://***@proxy:3128``; values without ``@`` unchanged.

    The last ``@`` ends the user part, so a password containing ``@`` is removed whole;
    anything ambiguous is over-redacted rather than leaked.
    """
    scheme, sep, rest = value.partition("://")
    if not sep:
        scheme, rest = "", value
    _, at, host = rest.rpartition("@")
    if not at:
        return value
    return f"{scheme}{sep}***@{host}"


def proxy_environment() -> dict[str, str]:
    """``{"http": ..., "https": ..., "no": ..., "all": ...}`` from ``*_proxy`` variables.

    The standard library decides precedence (lower case wins; ``HTTP_PROXY`` is ignored
    under CGI). ``no`` is a host list and is kept verbatim.
    """
    found = urllib.request.getproxies_environment()
    return {
        scheme: value if scheme == "no" else redact_credentials(value)
        for scheme, value in sorted(found.items())
    }
