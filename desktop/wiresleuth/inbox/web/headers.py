"""Security headers on every answer, and the stricter ones of a bundle's report.html.

The pages load nothing but their own stylesheet and run no script; the report, written by
someone else's computer, is served in a sandboxed iframe with its own policy (``sandbox``:
no script, no same-origin access, no forms, no top navigation) even if the page in it
says otherwise.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGE_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; frame-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
REPORT_POLICY = (
    "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "form-action 'none'; frame-ancestors 'self'; base-uri 'none'"
)
"""For report.html: as the report's own meta policy, plus ``sandbox``."""

_COMMON = {
    b"x-content-type-options": b"nosniff",
    b"referrer-policy": b"same-origin",  # never sent to other sites; Origin kept on our forms
    b"strict-transport-security": b"max-age=31536000",
    b"cache-control": b"no-store",
    b"cross-origin-opener-policy": b"same-origin",
}
_DEFAULT = {b"content-security-policy": PAGE_POLICY.encode(), b"x-frame-options": b"DENY"}


class SecurityHeaders:
    """ASGI middleware: adds every header an answer does not set itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                for name, value in {**_COMMON, **_DEFAULT}.items():
                    if name not in present:
                        headers.append((name, value))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)
