"""Listening TCP sockets on this computer's web ports, their owners, and what they answer.

psutil reads the socket table (and, with enough rights, which process owns each socket);
the answers come from real GETs to the listener, through loopback when it listens on all
addresses, so nothing leaves the machine.
"""

from __future__ import annotations

import asyncio
import ipaddress
import shlex
from collections.abc import Sequence
from typing import Any

import psutil

from wiresleuth.model.pac_observations import (
    ListenerAnswerObservation,
    ListenerObservation,
    ListenersObservations,
)
from wiresleuth.probes.http_get import http_get

WEB_PORTS = (80, 8080, 443)
"""Ports a PAC/WPAD fetch or a browser may land on."""
PATHS = ("/wpad.dat", "/")
"""What each plain-HTTP listener is asked."""


def local_addresses() -> tuple[str, ...]:
    """Every address of this computer's interfaces (loopback included)."""
    found: list[str] = []
    try:
        interfaces = psutil.net_if_addrs()
    except (psutil.Error, OSError):
        return ()
    for addresses in interfaces.values():
        for item in addresses:
            text = str(item.address).split("%", 1)[0]
            try:
                ipaddress.ip_address(text)
            except ValueError:
                continue
            found.append(text)
    return tuple(dict.fromkeys(found))


def owner_of(pid: int | None) -> dict[str, Any]:
    """pid, name, executable and command line of a socket's owner (or why unknown)."""
    if pid is None:
        return {"pid": None, "owner_error": "the OS does not tell this user which process owns it"}
    try:
        proc = psutil.Process(pid)
        with proc.oneshot():
            name = proc.name()
            try:
                exe: str | None = proc.exe() or None
            except (psutil.AccessDenied, OSError):
                exe = None
            try:
                cmdline: str | None = shlex.join(proc.cmdline())[:300] or None
            except (psutil.AccessDenied, OSError):
                cmdline = None
    except psutil.NoSuchProcess:
        return {"pid": pid, "owner_error": "the process ended while it was looked at"}
    except (psutil.AccessDenied, OSError) as exc:
        return {"pid": pid, "owner_error": f"not allowed to read the process: {exc}"}
    return {"pid": pid, "process": name, "exe": exe, "cmdline": cmdline}


def find_listeners(
    ports: Sequence[int] = WEB_PORTS,
) -> tuple[list[tuple[str, int, int | None]], str | None]:
    """``[(address, port, pid)]`` of listening TCP sockets on ``ports``, and an error if any."""
    try:
        table = psutil.net_connections(kind="tcp")
    except (psutil.AccessDenied, OSError) as exc:
        return [], f"the socket table cannot be read: {exc}"
    found: dict[tuple[str, int], int | None] = {}
    for conn in table:
        if conn.status != psutil.CONN_LISTEN or not conn.laddr:
            continue
        address, port = str(conn.laddr[0]), int(conn.laddr[1])
        if port in ports:
            found.setdefault((address, port), conn.pid)
    return [
        (a, p, pid) for (a, p), pid in sorted(found.items(), key=lambda x: (x[0][1], x[0][0]))
    ], None


def probe_address(bound: str) -> str:
    """Where to ask a listener: loopback for the wildcard addresses, else its own address."""
    if bound in ("0.0.0.0", ""):
        return "127.0.0.1"
    if bound == "::":
        return "::1"
    return bound.split("%", 1)[0]


async def _answers(
    address: str, port: int, timeout: float
) -> tuple[ListenerAnswerObservation, ...]:
    if port == 443:
        return ()
    target = probe_address(address)
    netloc = f"[{target}]" if ":" in target else target
    results = []
    for path in PATHS:
        exchange = await http_get(
            f"http://{netloc}:{port}{path}",
            target,
            port,
            host=netloc if port == 80 else f"{netloc}:{port}",
            path=path,
            connect_timeout=timeout,
            read_timeout=timeout,
            size_limit=16384,
        )
        results.append(ListenerAnswerObservation(path=path, exchange=exchange))
    return tuple(results)


async def observe_listeners(
    ports: Sequence[int] = WEB_PORTS, *, timeout: float = 2.0
) -> ListenersObservations:
    """Every listener on ``ports`` with its owner and its answers to GET /wpad.dat and GET /."""
    loop = asyncio.get_running_loop()
    found, error = await loop.run_in_executor(None, find_listeners, ports)
    listeners = []
    for address, port, pid in found:
        owner = await loop.run_in_executor(None, owner_of, pid)
        answers = await _answers(address, port, timeout)
        listeners.append(ListenerObservation(address=address, port=port, answers=answers, **owner))
    addresses = await loop.run_in_executor(None, local_addresses)
    return ListenersObservations(
        ports=tuple(ports), listeners=tuple(listeners), error=error, local_addresses=addresses
    )
