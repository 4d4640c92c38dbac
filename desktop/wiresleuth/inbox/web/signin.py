"""Engineers' sign-in for the pages: the session cookie, CSRF checks, and a brake on
password guessing.

The session cookie is ``__Host-`` prefixed (HTTPS only, this host only, path /), HttpOnly
and SameSite=Lax. Every form posts the session's CSRF token, compared in constant time;
the sign-in form, before any session exists, posts a token that must equal a cookie set
with the form (double submit). A POST that the browser says came from another site is
refused either way.
"""

from __future__ import annotations

import secrets
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import Response

from wiresleuth.inbox.accounts import SESSION_HOURS, SignedIn, same_token, session_of

SESSION_COOKIE = "__Host-wsinbox"
SIGNIN_COOKIE = "__Host-wsinbox-signin"
FAILURES = 10
"""Failed sign-ins allowed from one address per ``WINDOW`` seconds (then 429)."""
WINDOW = 600.0


def set_session_cookie(response: Response, key: str) -> None:
    response.set_cookie(
        SESSION_COOKIE, key, max_age=SESSION_HOURS * 3600, path="/", secure=True,
        httponly=True, samesite="lax",
    )  # fmt: skip


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", secure=True, httponly=True, samesite="lax")


def signin_token(request: Request) -> str:
    """The sign-in form's token: the cookie's, or a new one (the caller sets the cookie)."""
    current = request.cookies.get(SIGNIN_COOKIE, "")
    return current if 20 <= len(current) <= 100 else secrets.token_urlsafe(24)


def set_signin_cookie(response: Response, token: str) -> None:
    response.set_cookie(
        SIGNIN_COOKIE, token, max_age=3600, path="/", secure=True, httponly=True, samesite="strict"
    )


def current(request: Request) -> SignedIn | None:
    """The engineer signed in on this request, if any."""
    return session_of(request.app.state.store.db, request.cookies.get(SESSION_COOKIE))


def same_origin(request: Request) -> bool:
    """False when the browser says the form came from another site (``Sec-Fetch-Site`` or
    ``Origin``). A browser that says neither, or an opaque ``Origin: null``, is judged by
    the form's token alone."""
    if request.headers.get("sec-fetch-site") == "cross-site":
        return False
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return True
    return origin == f"https://{request.headers.get('host', '')}"


def form_token_ok(expected: str, form: Mapping[str, object]) -> bool:
    value = form.get("csrf")
    return isinstance(value, str) and same_token(expected, value)


@dataclass
class SigninBrake:
    """Failed sign-ins per address, forgotten after ``WINDOW`` seconds."""

    failures: dict[str, deque[float]] = field(default_factory=dict)

    def blocked(self, address: str) -> bool:
        recent = self._recent(address)
        return len(recent) >= FAILURES

    def failed(self, address: str) -> None:
        self._recent(address).append(time.monotonic())

    def _recent(self, address: str) -> deque[float]:
        recent = self.failures.setdefault(address, deque(maxlen=FAILURES))
        while recent and time.monotonic() - recent[0] > WINDOW:
            recent.popleft()
        if len(self.failures) > 10_000:  # many addresses: forget the quiet ones
            for quiet in [a for a, r in self.failures.items() if not r][:5000]:
                del self.failures[quiet]
        return recent
