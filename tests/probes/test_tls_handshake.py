import asyncio
import socket
import time
from pathlib import Path

import pytest
import trustme

from tests.probes.loopback_servers import (
    LoopbackServer,
    plaintext_after,
    reset_after,
    silent,
    tls_ok,
    trust_env,
)
from wiresleuth.model.observations import ConnectObservation, TlsObservation
from wiresleuth.model.target import Target
from wiresleuth.probes.tls_contexts import os_trust_context, public_trust_context
from wiresleuth.probes.tls_handshake import tls_handshake
from wiresleuth.wizards.base import stopped

INJECTED = (
    b"HTTP/1.0 200 OK\r\nX-Bypass-Cache: Application and Content Networking System "
    b"Software 5.5.17\r\nConnection: Close\r\n\r\n<meta http-equiv=refresh content=0>"
)


@pytest.fixture
def public_ca() -> trustme.CA:
    return trustme.CA(organization_name="Lab Public Root")


@pytest.fixture
def trusted(tmp_path: Path, public_ca: trustme.CA, monkeypatch: pytest.MonkeyPatch) -> trustme.CA:
    for key, value in trust_env(tmp_path, [public_ca], [public_ca]).items():
        monkeypatch.setenv(key, value)
    return public_ca


def handshake(
    port: int, *, context_factory=os_trust_context, timeout: float = 2.0, mss: int | None = None
) -> TlsObservation:
    target = Target(host="localhost", port=port)
    return asyncio.run(
        tls_handshake(
            target,
            "127.0.0.1",
            context=context_factory(),
            purpose="default",
            connect_timeout=1.0,
            handshake_timeout=timeout,
            mss=mss,
        )
    )


def test_a_good_server_completes_and_answers(trusted: trustme.CA) -> None:
    with LoopbackServer(tls_ok(trusted)) as server:
        obs = handshake(server.port)
    assert obs.outcome == "ok", obs.error
    assert obs.http_status == "HTTP/1.1 200 OK"
    assert obs.connect.local_port and obs.connect.rtt is not None
    assert obs.client_hello_at is not None and obs.handshake_done_at is not None
    assert obs.client_hello_at <= obs.first_byte_at <= obs.handshake_done_at <= obs.first_data_at
    assert obs.received_bytes[:1] == b"\x16"  # a TLS handshake record came first
    assert obs.peer_certificate


def test_reset_is_timed_from_the_client_hello(trusted: trustme.CA) -> None:
    with LoopbackServer(reset_after(0.6)) as server:
        obs = handshake(server.port)
    assert obs.outcome == "reset"
    assert obs.reset_at is not None and obs.client_hello_at is not None
    assert 0.55 < obs.reset_at - obs.client_hello_at < 1.0


def test_injected_plaintext_is_kept_verbatim(trusted: trustme.CA) -> None:
    with LoopbackServer(plaintext_after(0.2, INJECTED)) as server:
        obs = handshake(server.port)
    assert obs.outcome == "not_tls"
    assert obs.received_bytes == INJECTED


def test_a_silent_server_times_out_within_the_deadline(trusted: trustme.CA) -> None:
    with LoopbackServer(silent) as server:
        obs = handshake(server.port, timeout=0.5)
    assert obs.outcome == "timeout"
    assert obs.received == ()
    assert obs.ended_at - obs.connect.started_at < 1.5


def test_refused_connect_is_observed_not_raised() -> None:
    server = LoopbackServer(silent)
    port = server.port
    server.close()
    obs = handshake(port)
    assert obs.outcome == "connect_failed"
    assert obs.connect.error == "refused"


def test_certificate_from_an_unknown_ca(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, public_ca: trustme.CA
) -> None:
    inspection = trustme.CA(organization_name="Corp Inspection")
    for key, value in trust_env(tmp_path, [public_ca, inspection], [public_ca]).items():
        monkeypatch.setenv(key, value)
    with LoopbackServer(tls_ok(inspection)) as server:
        os_view = handshake(server.port)
        public_view = handshake(server.port, context_factory=public_trust_context)
    assert os_view.outcome == "ok"
    assert public_view.outcome == "cert_error"
    assert public_view.verify_error


def test_small_mss_is_requested(trusted: trustme.CA) -> None:
    with LoopbackServer(tls_ok(trusted)) as server:
        obs = handshake(server.port, mss=536)
    assert obs.outcome == "ok" and obs.connect.mss == 536


def _through(proxy_port: int, target_port: int) -> TlsObservation:
    return asyncio.run(
        tls_handshake(
            Target(host="localhost", port=target_port),
            "",
            context=os_trust_context(),
            purpose="default",
            connect_timeout=1.0,
            handshake_timeout=2.0,
            proxy=(f"127.0.0.1:{proxy_port}", "127.0.0.1"),
        )
    )


def test_the_handshake_runs_inside_the_routes_connect_tunnel(trusted: trustme.CA) -> None:
    from tests.probes.proxy_servers import connect_proxy

    with (
        LoopbackServer(tls_ok(trusted)) as server,
        LoopbackServer(connect_proxy(server.port)) as proxy,
    ):
        obs = _through(proxy.port, server.port)
    assert obs.outcome == "ok", obs.error
    assert obs.proxy == f"127.0.0.1:{proxy.port}" and obs.connect.port == proxy.port
    assert obs.tunnel_status == "200 Connection established"
    assert obs.tunnel_bytes == len(b"HTTP/1.1 200 Connection established\r\n\r\n")
    assert obs.tunnel_request_bytes > len(f"CONNECT localhost:{server.port} HTTP/1.1\r\n")
    assert obs.received_bytes[:1] == b"\x16"  # the proxy's answer is not part of the TLS bytes
    assert obs.http_status == "HTTP/1.1 200 OK"


def test_a_refused_connect_is_a_tunnel_failure_not_a_tls_one(trusted: trustme.CA) -> None:
    from tests.probes.proxy_servers import connect_proxy

    with (
        LoopbackServer(tls_ok(trusted)) as server,
        LoopbackServer(connect_proxy(server.port, deny_ports=(server.port,))) as proxy,
    ):
        obs = _through(proxy.port, server.port)
    assert obs.outcome == "tunnel_failed" and obs.tunnel_status == "403 Forbidden"
    assert obs.client_hello_at is None  # nothing was sent to the server


def test_bytes_left_unread_when_the_deadline_passed_are_told() -> None:
    """The program is not scheduled while it should be sending and reading (a loaded
    machine): its deadline passes before it reads a byte, yet the peer's bytes are waiting
    in the socket. Still ``timeout`` with nothing read, but the unread bytes are counted.
    (This peer speaks first, so its bytes are surely there while the program is away.)"""

    def away(kind: str, at: float) -> None:
        if kind == "client-hello":
            time.sleep(0.5)

    def speaks_first(conn: socket.socket) -> None:
        conn.sendall(INJECTED)
        conn.recv(4096)

    with LoopbackServer(speaks_first) as server:
        obs = asyncio.run(
            tls_handshake(
                Target(host="localhost", port=server.port),
                "127.0.0.1",
                context=os_trust_context(),
                purpose="default",
                connect_timeout=1.0,
                handshake_timeout=0.3,
                moments=away,
            )
        )
    assert obs.outcome == "timeout" and obs.first_byte_at is None
    assert obs.unread_bytes == len(INJECTED)


def test_nothing_unread_after_a_silent_server(trusted: trustme.CA) -> None:
    with LoopbackServer(silent) as server:
        obs = handshake(server.port, timeout=0.3)
    assert obs.outcome == "timeout" and obs.unread_bytes == 0


def test_an_attempt_cancelled_mid_handshake_has_told_its_connect(trusted: trustme.CA) -> None:
    """A speculative attempt stopped before it returns leaves no observation: ``connected``
    has told its connect (its local port, which names its flow in the capture) already."""
    heard: list[ConnectObservation] = []

    async def stop_once_connected(port: int) -> None:
        told = asyncio.Event()

        def connected(conn: ConnectObservation) -> None:
            heard.append(conn)
            told.set()

        attempt = asyncio.create_task(
            tls_handshake(
                Target(host="localhost", port=port),
                "127.0.0.1",
                context=os_trust_context(),
                purpose="small-mss",
                connect_timeout=1.0,
                handshake_timeout=5.0,
                mss=536,
                connected=connected,
            )
        )
        await asyncio.wait_for(told.wait(), 2.0)
        await stopped([attempt])  # as the wizard stops it (again if a cancel was lost)
        assert attempt.cancelled()

    with LoopbackServer(silent) as server:
        asyncio.run(stop_once_connected(server.port))
    (conn,) = heard
    assert conn.local_port and conn.connected_at is not None and conn.mss == 536
