"""The server side of the path proof (``wiresleuth listen``): log every line with its source.

Plain TCP and no privileges: it runs where the application's server runs, on the port the
application uses, in place of it for the test (seed 004's ``nc -l``, with a log and an
acknowledgement). Each connection is bounded: 64 lines, 30 s of silence.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass

from wiresleuth.probes.marker_protocol import MAX_LINE, ack_line, describe_line

IDLE_TIMEOUT = 30.0
MAX_LINES = 64


@dataclass(frozen=True, kw_only=True)
class Received:
    """One line the listener received."""

    at: float
    """Epoch seconds."""
    source: str
    """Source address."""
    port: int
    """Source port."""
    text: str
    """The line, printable."""
    is_marker: bool
    """Whether it was a WireSleuth marker line."""

    def log_line(self) -> str:
        """``2026-11-25T16:30:00.123Z 198.18.2.10:41234 MARKER WIRESLEUTH-MARKER ...``."""
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(self.at))
        millis = int((self.at % 1) * 1000)
        kind = "MARKER" if self.is_marker else "TEXT"
        return f"{stamp}.{millis:03d}Z {self.source}:{self.port} {kind} {self.text}"


Sink = Callable[[str], None]


async def _serve_one(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, sink: Sink
) -> None:
    peer = writer.get_extra_info("peername") or ("?", 0)
    source, port = str(peer[0]), int(peer[1])
    sink(f"{_now()} {source}:{port} CONNECT")
    lines = 0
    try:
        while lines < MAX_LINES:
            try:
                data = await asyncio.wait_for(reader.readline(), IDLE_TIMEOUT)
            except TimeoutError:
                sink(f"{_now()} {source}:{port} IDLE closed after {IDLE_TIMEOUT:g} s")
                break
            except (asyncio.LimitOverrunError, ValueError):
                data = await reader.read(MAX_LINE)
            if not data:
                break
            lines += 1
            text, is_marker = describe_line(data[:MAX_LINE])
            got = Received(at=time.time(), source=source, port=port, text=text, is_marker=is_marker)
            sink(got.log_line())
            writer.write(ack_line(text, source, port, got.at))
            await writer.drain()
    except (ConnectionError, OSError) as exc:
        sink(f"{_now()} {source}:{port} ERROR {exc}")
    finally:
        sink(f"{_now()} {source}:{port} CLOSE")
        writer.close()
        with contextlib.suppress(ConnectionError, OSError):
            await writer.wait_closed()


def _now() -> str:
    at = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(at)) + f".{int((at % 1) * 1000):03d}Z"


async def serve_markers(
    bind: str,
    port: int,
    sink: Sink,
    *,
    stop: asyncio.Event,
    ready: Callable[[], None] | None = None,
) -> None:
    """Listen on ``bind:port`` until ``stop`` is set; every event goes to ``sink`` as a line.

    OSError (address in use, not allowed) propagates: the caller says what to do.
    """

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _serve_one(reader, writer, sink)

    server = await asyncio.start_server(
        handle, bind or None, port, limit=MAX_LINE, reuse_address=True
    )
    addresses = ", ".join(f"{s.getsockname()[0]}:{s.getsockname()[1]}" for s in server.sockets)
    sink(f"{_now()} LISTEN {addresses}")
    if ready is not None:
        ready()
    async with server:
        await stop.wait()
    sink(f"{_now()} STOP")
