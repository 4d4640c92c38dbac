import asyncio
import socket
import sys

import pytest

from tests.probes.loopback_servers import LoopbackServer, silent
from wiresleuth.probes.tcp_connect import tcp_connect


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="TCP_INFO is read on Linux only")
def test_the_kernel_measures_the_handshake_itself() -> None:
    async def go():  # type: ignore[no-untyped-def]
        with LoopbackServer(silent) as server:
            sock, conn = await tcp_connect("127.0.0.1", server.port, timeout=2.0)
            assert sock is not None
            sock.close()
            return conn

    conn = asyncio.run(go())
    assert conn.kernel_rtt is not None and 0 < conn.kernel_rtt < 0.05  # loopback: microseconds
    assert conn.rtt is not None and conn.handshake_rtt == conn.kernel_rtt


def test_a_failed_connect_has_no_handshake_time() -> None:
    async def go():  # type: ignore[no-untyped-def]
        return await tcp_connect("127.0.0.1", 9, timeout=1.0)

    sock, conn = asyncio.run(go())
    assert sock is None and conn.kernel_rtt is None and conn.handshake_rtt is None


def test_a_connect_keeps_when_it_ended() -> None:
    """Its end, read with the stall meter's stops (a timeout whose deadline fell in one)."""

    async def go():  # type: ignore[no-untyped-def]
        refused = await tcp_connect("127.0.0.1", 9, timeout=1.0)
        with LoopbackServer(silent) as server:
            sock, ok = await tcp_connect("127.0.0.1", server.port, timeout=2.0)
            assert sock is not None
            sock.close()
        return refused[1], ok

    refused, ok = asyncio.run(go())
    assert refused.error and refused.ended_at is not None
    assert refused.started_at <= refused.ended_at < refused.started_at + 1.5
    assert ok.ended_at == ok.connected_at


def test_the_syn_leaves_in_the_callers_own_step() -> None:
    """The connect is made before the first await yields, not a turn of the loop later: a
    listener already holds the connection when the caller's task first gives way."""

    async def go() -> bool:
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.setblocking(False)
        try:
            task = asyncio.create_task(
                tcp_connect("127.0.0.1", listener.getsockname()[1], timeout=2.0)
            )
            await asyncio.sleep(0)  # the task runs its first step, up to its first wait
            try:
                accepted, _ = listener.accept()
            except BlockingIOError:
                arrived = False
            else:
                accepted.close()
                arrived = True
            sock, _conn = await task
            assert sock is not None
            sock.close()
            return arrived
        finally:
            listener.close()

    assert asyncio.run(go())
