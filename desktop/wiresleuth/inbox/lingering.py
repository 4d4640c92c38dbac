"""Uvicorn's HTTP/1.1 protocol (h11) with a lingering close after an early answer.

When the inbox answers before it has read a request's body (a refusal from the headers:
401, 413, 415, 503, 507; or 408/413 part-way), the answer says ``Connection: close``
(``web.early_answer``) and uvicorn closes the connection. Closing a socket whose peer is
still sending makes the kernel answer with a reset, which can destroy the answer before
the client reads it (Windows drops received data on a reset); draining the body instead,
as uvicorn does on a kept-alive connection, reads for nothing whatever a hostile or broken
client chooses to send. So, as Apache and nginx do (``lingering_close``): once the answer
is written, what the client still sends is read and dropped — never stored, never parsed —
for ``LINGER_SECONDS`` at most and ``LINGER_BYTES`` at most (the read that reaches it,
256 KiB at most under TLS, is the last), then the connection is closed, or reset if the
client is still sending past the byte limit. A client that reads
the answer and closes (or one that sent ``Expect: 100-continue`` and so never sent the
body) ends it at once.

Plain TCP's half-close (``shutdown(SHUT_WR)`` before the lingering) has no counterpart
under asyncio's TLS transport (no ``write_eof``; its close sends ``close_notify`` and
then fails on the first record of data that follows). The answer's ``Content-Length``
and ``Connection: close`` already tell the client that nothing more comes; the TLS
``close_notify`` goes at the end of the lingering.

Written here because uvicorn has no lingering close; it takes the protocol class as
``Config(http=…)``, and this subclass changes only what happens after such an answer.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

log = logging.getLogger("wiresleuth.inbox")

LINGER_SECONDS = 5.0
"""How long what a client still sends after an early answer is read and dropped."""
LINGER_BYTES = 4 * 1024 * 1024
"""How much of it, at most. Before the answer uvicorn's flow control already bounds what
is read of a body the application has not asked for (64 KiB and a read)."""


class _Linger:
    """The state of one lingering close."""

    def __init__(self, timer: asyncio.TimerHandle) -> None:
        self.timer = timer
        self.discarded = 0
        """Bytes read and dropped since the answer."""
        self.why = ""
        """How it ended: the client closed, the time or the bytes ran out, the server stopped."""


class _ClosingTransport(asyncio.Transport):
    """The connection's transport as uvicorn's request cycle sees it: ``close`` after an
    answer that left the body unread starts the lingering close instead."""

    def __init__(self, real: asyncio.Transport, protocol: LingeringH11Protocol) -> None:
        super().__init__()
        self.real = real
        self._protocol = protocol

    def close(self) -> None:
        if self._protocol.body_unread() and not self.real.is_closing():
            self._protocol.linger()
        else:
            self.real.close()

    def is_closing(self) -> bool:
        return self.real.is_closing() or self._protocol.lingering is not None

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.real.write(data)

    def writelines(self, list_of_data: Any) -> None:
        self.real.writelines(list_of_data)

    def abort(self) -> None:
        self.real.abort()

    def pause_reading(self) -> None:
        if self._protocol.lingering is None:  # lingering reads on, whatever uvicorn wants
            self.real.pause_reading()

    def resume_reading(self) -> None:
        self.real.resume_reading()

    def is_reading(self) -> bool:
        return self.real.is_reading()

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self.real.get_extra_info(name, default)

    def set_protocol(self, protocol: asyncio.BaseProtocol) -> None:
        self.real.set_protocol(protocol)

    def get_protocol(self) -> asyncio.BaseProtocol:
        return self.real.get_protocol()

    def get_write_buffer_size(self) -> int:
        return self.real.get_write_buffer_size()

    def can_write_eof(self) -> bool:
        return self.real.can_write_eof()

    def write_eof(self) -> None:
        self.real.write_eof()


class LingeringH11Protocol(H11Protocol):
    """``H11Protocol`` whose close after an early answer lingers (module docstring)."""

    lingering: _Linger | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(_ClosingTransport(transport, self))

    @property
    def _real(self) -> asyncio.Transport:
        transport = self.transport
        return transport.real if isinstance(transport, _ClosingTransport) else transport

    def body_unread(self) -> bool:
        """Whether the answer is whole and the client is still due to send some of the
        request's body (an answer broken off by a failing application closes at once)."""
        answered = self.cycle is not None and self.cycle.response_complete
        return answered and self.conn.their_state is h11.SEND_BODY

    def linger(self) -> None:
        """Start the lingering close: the answer is written; drop what comes, bounded."""
        self.lingering = _Linger(self.loop.call_later(LINGER_SECONDS, self._stop, "time"))
        if self.cycle is not None:
            self.cycle.body = bytearray()  # what was buffered for the app: dropped too
        self._unset_keepalive_if_required()
        self._real.resume_reading()

    def data_received(self, data: bytes) -> None:
        if self.lingering is None:
            super().data_received(data)
            return
        self.lingering.discarded += len(data)
        if self.lingering.discarded >= LINGER_BYTES:
            self._stop("bytes")

    def eof_received(self) -> None:
        if self.lingering is not None:
            self._stop("client")

    def shutdown(self) -> None:
        if self.lingering is not None:
            self._stop("server stopping")
        else:
            super().shutdown()

    def _stop(self, why: str) -> None:
        """End the lingering: close (the TLS ``close_notify`` goes out), or reset when the
        client is still sending past the byte limit (nothing more will be read)."""
        linger = self.lingering
        if linger is None or linger.why:
            return
        linger.why = why
        linger.timer.cancel()
        if why == "bytes":
            self._real.abort()
        else:
            self._real.close()

    def connection_lost(self, exc: Exception | None) -> None:
        linger = self.lingering
        if linger is not None:
            self._stop("client")
            log.info(
                "connection from %s closed after an early answer: %d bytes it sent after "
                "the answer read and dropped (%s)",
                self.client[0] if self.client else "unknown", linger.discarded,
                {"client": "the client closed", "time": f"{LINGER_SECONDS:g} s passed",
                 "bytes": f"{LINGER_BYTES} bytes read"}.get(linger.why, linger.why),
            )  # fmt: skip
        super().connection_lost(exc)
