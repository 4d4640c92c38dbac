"""CONNECT through a scripted proxy on loopback: 407, typed credentials, 403, silence."""

import asyncio
import contextlib
import socket

from tests.probes.loopback_servers import LoopbackServer, silent
from tests.probes.proxy_servers import connect_proxy, keepalive_then, read_head
from wiresleuth.model.target import Target
from wiresleuth.probes.proxy_auth import ProxyCredentials
from wiresleuth.probes.proxy_exchange import through_proxy

TARGET = Target.parse("tax.example:2429")


def ask(port: int, credentials: ProxyCredentials | None = None, timeout: float = 3.0):  # type: ignore[no-untyped-def]
    async def go():  # type: ignore[no-untyped-def]
        sock, obs = await through_proxy(
            f"127.0.0.1:{port}", "127.0.0.1", TARGET, method="CONNECT",
            credentials=credentials, connect_timeout=2, answer_timeout=timeout,
        )  # fmt: skip
        if sock is not None:
            sock.close()
        return sock is not None, obs

    return asyncio.run(go())


def test_407_without_credentials_names_the_schemes_and_returns_no_tunnel() -> None:
    with (
        LoopbackServer(keepalive_then("hold", 0)) as up,
        LoopbackServer(connect_proxy(up.port, user="alice", password="right")) as proxy,
    ):
        tunnel, obs = ask(proxy.port)
    assert not tunnel and obs.outcome == "auth_required"
    assert obs.answer is not None and obs.answer.values("Proxy-Authenticate") == (
        "NTLM",
        'Basic realm="t"',
    )
    assert obs.auth_note == "no credentials typed in this run" and obs.auth_scheme is None


def test_ntlm_is_tried_first_when_offered() -> None:
    with (
        LoopbackServer(keepalive_then("hold", 0)) as up,
        LoopbackServer(connect_proxy(up.port, user="alice", password="right")) as proxy,
    ):
        tunnel, obs = ask(proxy.port, ProxyCredentials(user="alice", password="right"))
    # this scripted proxy checks only Basic: its NTLM round gets another 407 without a challenge
    assert obs.auth_scheme == "NTLM" and obs.outcome == "auth_required" and not tunnel


def test_typed_basic_credentials_accepted_and_rejected() -> None:
    with (
        LoopbackServer(keepalive_then("hold", 0)) as up,
        LoopbackServer(
            connect_proxy(up.port, user="alice", password="right", schemes=('Basic realm="t"',))
        ) as proxy,
    ):
        tunnel, good = ask(proxy.port, ProxyCredentials(user="alice", password="right"))
        _, bad = ask(proxy.port, ProxyCredentials(user="alice", password="wrong"))
    assert tunnel and good.outcome == "ok" and good.auth_scheme == "Basic"
    assert good.first_answer is not None and good.first_answer.status == 407
    assert good.auth_user == "alice"
    # where the tunnelled stream starts: after the requests and answers of the opening
    assert good.request_bytes > len("CONNECT x:1 HTTP/1.1\r\n\r\n") and good.answer_bytes > 0
    assert bad.outcome == "auth_required" and bad.auth_scheme == "Basic"


def test_403_is_denied_and_silence_is_no_answer() -> None:
    with LoopbackServer(connect_proxy(1, deny_ports=(2429,))) as proxy:
        _, denied = ask(proxy.port)
    assert denied.outcome == "denied" and denied.answer is not None
    assert denied.answer.status == 403
    with LoopbackServer(silent) as proxy:
        _, quiet = ask(proxy.port, timeout=0.5)
    assert quiet.outcome == "no_answer" and quiet.error
    assert (quiet.answer, quiet.answer_bytes, quiet.request_bytes) == (None, 0, 0)
    assert quiet.unread_bytes == 0  # a real silence: nothing waited in the socket either


def test_an_answer_cut_short_tells_what_was_read() -> None:
    """The proxy sends the start of an answer head and no more: no answer, and the bytes
    read say where the rest would have started (what a late read is judged from)."""
    part = b"HTTP/1.1 200 Conn"

    def cut_short(conn: socket.socket) -> None:
        read_head(conn)
        conn.sendall(part)
        conn.settimeout(3)  # bounded: the probe closes after its 0.5 s
        with contextlib.suppress(OSError):
            conn.recv(1)

    with LoopbackServer(cut_short) as proxy:
        _, obs = ask(proxy.port, timeout=0.5)
    assert (obs.outcome, obs.answer, obs.answer_bytes) == ("no_answer", None, len(part))
    assert obs.unread_bytes == 0


def test_an_unreachable_proxy(refused_port: int) -> None:
    _, obs = ask(refused_port)
    assert obs.outcome == "connect_failed" and obs.error == "refused"
