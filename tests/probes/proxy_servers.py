"""Scripted proxy and keep-alive servers on 127.0.0.1 for the proxy-path probe tests."""

from __future__ import annotations

import base64
import contextlib
import socket
import struct
import threading
import time

from tests.probes.loopback_servers import Behaviour


def read_head(conn: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        piece = conn.recv(4096)
        if not piece:
            return data
        data += piece
    return data


def _relay(a: socket.socket, b: socket.socket) -> None:
    def pump(src: socket.socket, dst: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := src.recv(65536):
                dst.sendall(data)
        with contextlib.suppress(OSError):
            dst.shutdown(socket.SHUT_WR)

    other = threading.Thread(target=pump, args=(b, a), daemon=True)
    other.start()
    pump(a, b)
    other.join(5)


def connect_proxy(
    upstream_port: int, *, user: str | None = None, password: str | None = None,
    deny_ports: tuple[int, ...] = (), schemes: tuple[str, ...] = ("NTLM", 'Basic realm="t"'),
) -> Behaviour:  # fmt: skip
    """A CONNECT proxy: 407 (Basic, keep-alive, with a body) until the right credentials come,
    403 for ``deny_ports``, else 200 and a relay to 127.0.0.1:``upstream_port``."""
    wanted = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode() if user else None

    def behave(conn: socket.socket) -> None:
        while True:
            head = read_head(conn)
            if not head:
                return
            lines = head.decode("latin-1").split("\r\n")
            port = int(lines[0].split()[1].rpartition(":")[2])
            auth = next(
                (h.split(":", 1)[1].strip() for h in lines if h.lower().startswith("proxy-authorization:")),
                None,
            )  # fmt: skip
            if port in deny_ports:
                conn.sendall(b"HTTP/1.1 403 Forbidden\r\nX-Squid-Error: ERR_ACCESS_DENIED 0\r\n"
                             b"Content-Length: 0\r\n\r\n")  # fmt: skip
                continue
            if wanted is not None and auth != wanted:
                body = b"<html>login please</html>"
                conn.sendall(
                    b"HTTP/1.1 407 Proxy Authentication Required\r\n"
                    + "".join(f"Proxy-Authenticate: {s}\r\n" for s in schemes).encode()
                    + b"Via: 1.1 test-proxy\r\n"
                    + f"Content-Length: {len(body)}\r\n\r\n".encode() + body
                )  # fmt: skip
                continue
            upstream = socket.create_connection(("127.0.0.1", upstream_port), timeout=5)
            conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            conn.settimeout(None)
            _relay(conn, upstream)
            upstream.close()
            return

    return behave


def keepalive_then(close: str, after: float) -> Behaviour:
    """Answers HEAD requests keeping the connection, and closes (``fin``/``rst``) after
    ``after`` seconds, or never (``hold``)."""

    def behave(conn: socket.socket) -> None:
        started = time.monotonic()
        conn.settimeout(0.05)
        while time.monotonic() - started < (after if close != "hold" else 30):
            try:
                head = read_head(conn)
            except TimeoutError:
                continue
            if not head:
                return
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n")
        if close == "rst":
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.close()

    return behave


def marker_echo(conn: socket.socket) -> None:
    """Acknowledges one line the way ``wiresleuth listen`` does."""
    from wiresleuth.probes.marker_protocol import ack_line, describe_line

    line = b""
    while not line.endswith(b"\n"):
        piece = conn.recv(4096)
        if not piece:
            return
        line += piece
    text, _ = describe_line(line)
    peer = conn.getpeername()
    conn.sendall(ack_line(text, peer[0], peer[1], time.time()))
