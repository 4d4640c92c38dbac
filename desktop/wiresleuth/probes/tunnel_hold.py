"""Keep a connection open with light traffic and record when and how it is closed (case C2).

The traffic is what a long-lived application session looks like to the path: a keep-alive
``HEAD`` every few seconds, inside TLS for a secure site. A FIN shows as end of stream, an
RST as a reset; either ends the hold with the time since set-up. Certificates are not
verified here: the TLS wizard judges them, this probe only needs the connection to live.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
import time

from wiresleuth.model.observations import ConnectObservation
from wiresleuth.model.proxy_observations import HoldObservation
from wiresleuth.model.target import Target
from wiresleuth.probes.errors import describe_os_error
from wiresleuth.probes.http_wire import NotHttp, ResponseParser, keeps_alive, origin_request
from wiresleuth.probes.tls_contexts import inspect_context


def traffic_interval(wanted: float) -> float:
    """Seconds between requests: about ten per hold, at least 1 s, at most 5 s apart."""
    return min(5.0, max(1.0, wanted / 10))


class _Closed(Exception):
    def __init__(self, outcome: str, error: str) -> None:
        super().__init__(error)
        self.outcome = outcome
        self.error = error


def _closed_from(exc: BaseException) -> _Closed:
    if isinstance(exc, ConnectionResetError):
        return _Closed("reset", "connection reset")
    if isinstance(exc, ssl.SSLError):
        text = str(exc)
        if "EOF" in text.upper():
            return _Closed("fin", f"closed without TLS close_notify ({text})")
        return _Closed("setup_failed", f"TLS: {text}")
    if isinstance(exc, asyncio.IncompleteReadError):
        return _Closed("fin", "end of stream")
    if isinstance(exc, OSError):
        word = describe_os_error(exc)
        return _Closed("reset" if word == "reset" else "fin", word)
    return _Closed("fin", f"{type(exc).__name__}: {exc}")


async def _read_answer(reader: asyncio.StreamReader, timeout: float) -> bool:
    """Read one answer head; True when the server keeps the connection open afterwards."""
    parser = ResponseParser()
    deadline = time.monotonic() + timeout
    while parser.answer is None:
        left = deadline - time.monotonic()
        if left <= 0:
            raise _Closed("timeout", f"no answer to a request within {timeout:g} s")
        try:
            data = await asyncio.wait_for(reader.read(65536), left)
        except TimeoutError as exc:
            raise _Closed("timeout", f"no answer to a request within {timeout:g} s") from exc
        except (OSError, ssl.SSLError) as exc:
            raise _closed_from(exc) from exc
        if not data:
            raise _Closed("fin", "end of stream")
        try:
            parser.feed(data)
        except NotHttp as exc:
            raise _Closed("setup_failed", str(exc)) from exc
    return keeps_alive(parser.answer)


async def _quiet_wait(reader: asyncio.StreamReader, seconds: float) -> None:
    """Wait between requests, noticing a close that happens meanwhile."""
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        try:
            data = await asyncio.wait_for(reader.read(65536), left)
        except TimeoutError:
            return
        except (OSError, ssl.SSLError) as exc:
            raise _closed_from(exc) from exc
        if not data:
            raise _Closed("fin", "end of stream")


async def hold_connection(
    sock: socket.socket,
    connect: ConnectObservation,
    target: Target,
    *,
    route: str,
    wanted: float,
    answer_timeout: float,
) -> HoldObservation:
    """Hold ``sock`` (connected to the server, or a tunnel through a proxy) for ``wanted`` s.

    Takes ownership of the socket and closes it.
    """
    peer = connect.address
    started = time.time()
    writer: asyncio.StreamWriter | None = None
    requests = 0
    outcome, error = "held", None
    try:
        reader, writer = await asyncio.open_connection(sock=sock)
        if target.scheme == "https":
            try:
                await asyncio.wait_for(
                    writer.start_tls(inspect_context(), server_hostname=target.host),
                    answer_timeout,
                )
            except TimeoutError as exc:
                raise _Closed("setup_failed", "TLS handshake timed out") from exc
            except (OSError, ssl.SSLError) as exc:
                closed = _closed_from(exc)
                raise _Closed("setup_failed", f"TLS handshake: {closed.error}") from exc
        started = time.time()
        deadline = time.monotonic() + wanted
        interval = traffic_interval(wanted)
        while time.monotonic() < deadline:
            writer.write(origin_request("HEAD", target.host, target.path, keep_alive=True))
            try:
                await writer.drain()
            except (OSError, ssl.SSLError) as exc:
                raise _closed_from(exc) from exc
            if not await _read_answer(reader, answer_timeout):
                raise _Closed("not_kept", "the server closes the connection after each answer")
            requests += 1
            await _quiet_wait(reader, min(interval, max(0.0, deadline - time.monotonic())))
    except _Closed as closed:
        outcome, error = closed.outcome, closed.error
        if requests == 0 and outcome in ("fin", "timeout"):
            outcome = "setup_failed" if time.time() - started < 0.5 else outcome
    except (OSError, ssl.SSLError) as exc:
        ended_by = _closed_from(exc)
        outcome, error = ended_by.outcome, ended_by.error
    finally:
        ended = time.time()
        if writer is not None:
            writer.transport.abort()
        with contextlib.suppress(OSError):
            sock.close()
    return HoldObservation(
        target=target.key,
        route=route,
        wanted=wanted,
        connect=connect,
        outcome=outcome,
        started_at=started,
        ended_at=ended,
        requests=requests,
        closed_by=peer if outcome in ("fin", "reset") else None,
        error=error,
    )
