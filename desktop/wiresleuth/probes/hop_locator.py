"""Locate the hop that answers a suspicious connection: traces of TTL-limited probes, in waves.

For one target: an ICMP echo trace first (UDP where ping sockets are not allowed), which
names every hop and says how far the server is; then TCP SYNs to the port (which hop
completes the handshake); then, when the suspicion is about what follows the handshake (a
reset after the ClientHello, injected bytes, a forged HTTP answer), that ClientHello or
request on connections made at full TTL, sent with TTL 1, 2, ... up to the hop that answered
the SYN. Each trace goes out in waves of at most eight probes with one timeout each, and
stops at the first wave that reaches an answer. Everything stays inside ``deadline``.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import time
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

import dns.asyncresolver
import dns.exception
import dns.resolver
import dns.reversename

from wiresleuth.model.hop_observations import HopLocation, HopName, HopProbe, HopRequest, HopTrace
from wiresleuth.probes.hop_waves import (
    MAX_HOPS,
    grace_after_end,
    nearest_end,
    settled,
    trace_ended,
    waves,
)
from wiresleuth.probes.http_wire import origin_request
from wiresleuth.probes.ttl_probes import (
    SocketFactory,
    data_probe,
    echo_probe,
    open_ping_socket,
    syn_probe,
    system_socket,
    udp_probe,
)

ProbeMaker = Callable[[int], Coroutine[Any, Any, HopProbe]]
NAME_TIMEOUT = 2.0
"""Seconds the reverse names of all hops may take together."""
DATA_MARGIN = 1.0
"""Seconds a data wave waits beyond the suspicious answer's own delay."""
MIN_WAVE = 0.5
"""A wave given less time than this is not sent (the run's budget is spent)."""


def client_hello(server_name: str) -> bytes:
    """The ClientHello a default client sends to ``server_name`` (ssl through memory BIOs;
    no CA store is loaded: it would take a tenth of a second and change no byte of it)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = context.wrap_bio(incoming, outgoing, server_hostname=server_name or None)
    with contextlib.suppress(ssl.SSLWantReadError):
        tls.do_handshake()
    return outgoing.read()


async def run_wave(make: ProbeMaker, ttls: Sequence[int], timeout: float) -> list[HopProbe]:
    """Send one probe per TTL at once; wait at most ``timeout`` (less once settled)."""
    began = time.time()
    deadline = time.monotonic() + timeout
    tasks: dict[asyncio.Task[HopProbe], int] = {asyncio.create_task(make(ttl)): ttl for ttl in ttls}
    results: dict[int, HopProbe] = {}
    end_seen: float | None = None
    pending = set(tasks)
    try:
        while pending:
            end = nearest_end(list(results.values()))
            limit = deadline
            if end is not None and end_seen is not None:
                limit = min(deadline, end_seen + grace_after_end(end))
            left = limit - time.monotonic()
            if left <= 0:
                break
            done, pending = await asyncio.wait(
                pending, timeout=left, return_when=asyncio.FIRST_COMPLETED
            )
            for task in done:
                ttl = tasks[task]
                exc = task.exception()
                results[ttl] = (
                    task.result()
                    if exc is None
                    else HopProbe(ttl=ttl, sent_at=began, fate="failed", error=str(exc))
                )
            if end_seen is None and nearest_end(list(results.values())) is not None:
                end_seen = time.monotonic()
            if settled(results, ttls):
                break
    finally:
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending)
    end = nearest_end(list(results.values()))
    gave_up = time.time()  # a silent probe's deadline: the analysis reads the run's stalls
    out: list[HopProbe] = []
    for ttl in ttls:
        if ttl in results:
            out.append(results[ttl])
        elif end is not None and ttl > end.ttl:
            out.append(HopProbe(ttl=ttl, sent_at=began, fate="not_waited"))
        else:
            out.append(HopProbe(ttl=ttl, sent_at=began, fate="silent", ended_at=gave_up))
    return out


async def run_trace(
    kind: str,
    address: str,
    port: int | None,
    make: ProbeMaker,
    *,
    last: int,
    timeout: float,
    deadline: float,
) -> HopTrace:
    """Waves of ``make`` over TTL 1..``last`` until one reaches an end or time runs out."""
    probes: list[HopProbe] = []
    given: list[float] = []
    error: str | None = None
    for ttls in waves(last):
        left = deadline - time.monotonic()
        if left < MIN_WAVE:
            error = f"stopped before TTL {ttls[0]}: the run's time budget is spent"
            break
        wave_time = min(timeout, left)
        got = await run_wave(make, ttls, wave_time)
        probes += got
        given.append(round(wave_time, 3))
        if trace_ended(got):
            break
        if all(p.fate == "failed" for p in got):
            error = f"no probe could be sent: {got[0].error}"
            break
    return HopTrace(
        kind=kind, address=address, port=port, probes=tuple(probes), waves=tuple(given),
        error=error,
    )  # fmt: skip


async def reference_trace(
    address: str, *, timeout: float, deadline: float, sockets: SocketFactory
) -> HopTrace:
    """ICMP echo towards ``address``; UDP when this user may not open a ping socket."""
    try:
        open_ping_socket(sockets).close()
    except OSError as exc:
        reason = f"ICMP echo not allowed here ({exc.strerror or exc}): traced with UDP"
        trace = await run_trace(
            "udp", address, None, lambda ttl: udp_probe(address, ttl, sockets=sockets),
            last=MAX_HOPS, timeout=timeout, deadline=deadline,
        )  # fmt: skip
        return HopTrace(
            kind=trace.kind, address=address, probes=trace.probes, waves=trace.waves,
            error="; ".join(filter(None, (reason, trace.error))),
        )  # fmt: skip
    return await run_trace(
        "echo", address, None, lambda ttl: echo_probe(address, ttl, sockets=sockets),
        last=MAX_HOPS, timeout=timeout, deadline=deadline,
    )  # fmt: skip


def _hop_addresses(*traces: HopTrace | None) -> list[str]:
    found: dict[str, None] = {}
    for trace in traces:
        for probe in trace.probes if trace else ():
            if probe.reported_by:
                found.setdefault(probe.reported_by, None)
    return list(found)


async def reverse_name(address: str, *, timeout: float) -> HopName:
    """The PTR name of ``address`` from the system's resolvers, within ``timeout``."""
    try:
        resolver = dns.asyncresolver.Resolver()
        answer = await resolver.resolve(
            dns.reversename.from_address(address), "PTR", lifetime=timeout
        )
    except dns.resolver.NXDOMAIN:
        return HopName(address=address, error="no such name")
    except dns.resolver.LifetimeTimeout:
        return HopName(address=address, error=f"no answer within {timeout:g} s")
    except (dns.exception.DNSException, OSError, ValueError) as exc:
        return HopName(address=address, error=str(exc) or type(exc).__name__)
    names = [str(item.target).rstrip(".") for item in answer]
    return HopName(address=address, name=names[0] if names else None)


async def locate(
    request: HopRequest,
    *,
    connect_timeout: float,
    echo_timeout: float,
    deadline: float,
    sockets: SocketFactory = system_socket,
    name_timeout: float = NAME_TIMEOUT,
    starting: Callable[[str], None] | None = None,
) -> HopLocation:
    """Trace towards one suspicious target and name its hops (see the module docstring);
    ``name_timeout`` 0 skips the reverse names; ``starting`` is told the kind of each trace
    as it starts (the live view says what the run waits for)."""

    def tell(kind: str) -> None:
        if starting is not None:
            starting(kind)

    started = time.time()
    if request.skipped:
        return HopLocation(request=request, started_at=started, ended_at=started)
    address, port = request.address, request.port
    tell("echo")
    reference = await reference_trace(
        address, timeout=echo_timeout, deadline=deadline, sockets=sockets
    )
    distance = reference.answered_ttl
    tell("syn")
    syn = await run_trace(
        "syn", address, port, lambda ttl: syn_probe(address, port, ttl, sockets=sockets),
        last=distance + 1 if distance else MAX_HOPS, timeout=connect_timeout,
        deadline=deadline,
    )  # fmt: skip
    data: HopTrace | None = None
    if request.kind in ("client-hello", "http"):
        payload = (
            client_hello(request.host)
            if request.kind == "client-hello"
            else origin_request("GET", request.host or address, request.path, keep_alive=False)
        )
        wait = request.answer_wait + DATA_MARGIN

        def make(ttl: int) -> Coroutine[Any, Any, HopProbe]:
            return data_probe(
                address, port, ttl, payload, connect_timeout=connect_timeout, sockets=sockets
            )

        tell(request.kind)
        data = await run_trace(
            request.kind, address, port, make,
            last=syn.answered_ttl or distance or MAX_HOPS,
            timeout=wait + connect_timeout, deadline=deadline,
        )  # fmt: skip
    addresses = _hop_addresses(reference, syn, data)
    names: tuple[HopName, ...] = ()
    left = min(name_timeout, deadline - time.monotonic())
    if addresses and left > 0:
        names = tuple(await asyncio.gather(*(reverse_name(a, timeout=left) for a in addresses)))
    return HopLocation(
        request=request, reference=reference, syn=syn, data=data, names=names,
        started_at=started, ended_at=time.time(),
    )  # fmt: skip
