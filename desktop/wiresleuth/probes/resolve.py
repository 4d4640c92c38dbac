"""Name resolution through the system resolver, as applications do it."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import time
from collections.abc import Callable
from typing import Any

from wiresleuth.model.observations import ResolveObservation


def invalid_name(host: str, exc: UnicodeError) -> str:
    """Why ``host`` cannot be a DNS name, in words (a label over 63 characters, an empty one)."""
    labels = host.rstrip(".").split(".")
    longest = max(labels, key=len)
    if len(longest) > 63:
        shown = longest if len(longest) <= 24 else f"{longest[:20]}…"
        return (
            f"not a valid host name: the part {shown!r} has {len(longest)} characters; "
            "DNS allows 63 between dots"
        )
    if "" in labels:
        return "not a valid host name: it has an empty part between two dots"
    return f"not a valid host name ({exc})"


async def resolve(
    host: str, *, timeout: float, on_way: Callable[[], object] | None = None
) -> ResolveObservation:
    """Resolve ``host`` (a literal address resolves to itself) within ``timeout`` seconds.

    ``on_way`` is called, in the lookup's thread, just before the system resolver is asked
    (at once for a literal address): a caller with other work may wait for it, so that the
    lookup leaves first instead of waiting its turn for the interpreter."""
    started = time.time()
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        if on_way is not None:
            on_way()
        return ResolveObservation(host=host, addresses=(host,), started_at=started, elapsed=0.0)
    loop = asyncio.get_running_loop()
    try:
        infos = await asyncio.wait_for(
            loop.run_in_executor(None, _getaddrinfo, host, on_way), timeout
        )
    except TimeoutError:
        return ResolveObservation(
            host=host,
            addresses=(),
            started_at=started,
            elapsed=time.time() - started,
            error=f"no answer within {timeout:g} s",
        )
    except socket.gaierror as exc:
        return ResolveObservation(
            host=host,
            addresses=(),
            started_at=started,
            elapsed=time.time() - started,
            error=exc.strerror or str(exc),
        )
    except UnicodeError as exc:  # the IDNA codec refuses the name before any lookup
        return ResolveObservation(
            host=host,
            addresses=(),
            started_at=started,
            elapsed=time.time() - started,
            error=invalid_name(host, exc),
        )
    addresses: dict[str, None] = {}
    for _family, _type, _proto, _name, sockaddr in infos:
        addresses.setdefault(str(sockaddr[0]), None)
    return ResolveObservation(
        host=host, addresses=tuple(addresses), started_at=started, elapsed=time.time() - started
    )


def _getaddrinfo(
    host: str, on_way: Callable[[], object] | None
) -> list[tuple[Any, Any, int, str, tuple[Any, ...]]]:
    if on_way is not None:
        on_way()
    return socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
