"""``Connection: close`` on an answer given before the request's body was read to its end.

The upload endpoint refuses from the headers (token, type, size, slots, disk) without
reading the body; a keep-alive server would then have to read the whole body to find the
next request, which is exactly the work the early answer was meant to spare. Saying
``Connection: close`` tells the client the connection ends with this answer; the server
(``inbox.lingering``) then discards what the client still sends, bounded, and closes.

Plain ASGI, so it holds whatever server runs the app: it watches ``receive`` for the
body's last part and adds the header when the answer starts before it.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send


def has_body(scope: Scope) -> bool:
    """Whether the request announces a body (a non-zero length, or chunks)."""
    for name, value in scope.get("headers", []):
        if name == b"transfer-encoding":
            return True
        if name == b"content-length" and value.strip() not in (b"0", b""):
            return True
    return False


class CloseWhenBodyUnread:
    """ASGI middleware: ``Connection: close`` on an answer that starts before the request's
    body has been received to its end."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not has_body(scope):
            await self.app(scope, receive, send)
            return
        ended = False

        async def watched_receive() -> Message:
            nonlocal ended
            message = await receive()
            if message["type"] == "http.disconnect" or not message.get("more_body", False):
                ended = True
            return message

        async def closing_send(message: Message) -> None:
            if message["type"] == "http.response.start" and not ended:
                headers = [
                    (name, value)
                    for name, value in message.get("headers", [])
                    if name.lower() != b"connection"
                ]
                message = {**message, "headers": [*headers, (b"connection", b"close")]}
            await send(message)

        await self.app(scope, watched_receive, closing_send)
