"""Small TLS/TCP servers on 127.0.0.1 with scripted misbehaviour, for probe tests.

Each serves connections in a daemon thread until closed; every wait is bounded.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import struct
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import trustme

Behaviour = Callable[[socket.socket], None]


def unused_port() -> int:
    """A TCP port free on 127.0.0.1 now, for a server the test starts next (bound, then
    released: another test process may take it meanwhile, so a port that must refuse a
    connection is ``refusing_port``'s)."""
    with socket.socket() as spare:
        spare.bind(("127.0.0.1", 0))
        return int(spare.getsockname()[1])


@contextlib.contextmanager
def refusing_port(kind: socket.SocketKind = socket.SOCK_STREAM) -> Iterator[int]:
    """A port that refuses for the whole block: a TCP connect to it on any loopback address
    is reset, a datagram to 127.0.0.1 gets a port unreachable.

    A socket holds the port without listening (a datagram socket connected to itself, so it
    takes no one else's datagrams), and no other test process can bind the port while it is
    held: a port merely bound and released may be a parallel test's server by the time the
    code under test connects to it.  The TCP socket is bound to every address of both
    families (IPv4 alone where this computer has no IPv6), as "localhost" may be either."""
    if kind == socket.SOCK_DGRAM:
        holder = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        holder.bind(("127.0.0.1", 0))
        holder.connect(holder.getsockname())
    else:
        holder = _bound_on_every_address()
    with holder:
        yield int(holder.getsockname()[1])


@contextlib.contextmanager
def full_listener() -> Iterator[int]:
    """A listener whose accept queue is full (backlog 0, one connection never accepted): the
    kernel drops every further SYN, so a connect to it waits until its own timeout."""
    with socket.socket() as listener, socket.socket() as filler:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = int(listener.getsockname()[1])
        filler.settimeout(3.0)
        filler.connect(("127.0.0.1", port))
        yield port


def _bound_on_every_address() -> socket.socket:
    """A TCP socket bound (not listening) to a free port on every IPv6 and IPv4 address."""
    if not socket.has_dualstack_ipv6():
        ipv4 = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        ipv4.bind(("0.0.0.0", 0))
        return ipv4
    both = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    both.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    both.bind(("::", 0))
    return both


class LoopbackServer:
    """Accepts on 127.0.0.1:<free port> (or ``host``, ``port``: several loopback addresses
on one port are one name's several servers) and runs ``behaviour`` per connection."""

    def __init__(self, behaviour: Behaviour, *, host: str = "127.0.0.1", port: int = 0) -> None:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._listener = socket.create_server((host, port), family=family)
        self._listener.settimeout(0.2)
        self.port = self._listener.getsockname()[1]
        self._behaviour = behaviour
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        conn.settimeout(5)
        try:
            self._behaviour(conn)
        except (OSError, ssl.SSLError):
            pass
        finally:
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._listener.close()
        self._thread.join(2)

    def __enter__(self) -> LoopbackServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def tls_ok(ca: trustme.CA, name: str = "localhost") -> Behaviour:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(name).configure_cert(context)

    def behave(conn: socket.socket) -> None:
        with context.wrap_socket(conn, server_side=True) as tls:
            tls.recv(4096)
            tls.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")

    return behave


def reset_after(seconds: float) -> Behaviour:
    def behave(conn: socket.socket) -> None:
        conn.recv(4096)  # the ClientHello
        time.sleep(seconds)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    return behave


def plaintext_after(seconds: float, text: bytes) -> Behaviour:
    def behave(conn: socket.socket) -> None:
        conn.recv(4096)
        time.sleep(seconds)
        conn.sendall(text)

    return behave


def silent(conn: socket.socket) -> None:
    conn.recv(4096)
    conn.settimeout(3)
    with contextlib.suppress(TimeoutError):
        conn.recv(1)


def trust_env(tmp: Path, os_cas: list[trustme.CA], public_cas: list[trustme.CA]) -> dict[str, str]:
    """Environment making ``os_cas`` the OS store and ``public_cas`` the public bundle."""
    os_file, public_file = tmp / "os.pem", tmp / "public.pem"
    os_file.write_bytes(b"".join(ca.cert_pem.bytes() for ca in os_cas))
    public_file.write_bytes(b"".join(ca.cert_pem.bytes() for ca in public_cas))
    return {
        "SSL_CERT_FILE": str(os_file),
        "SSL_CERT_DIR": str(tmp / "none"),
        "WIRESLEUTH_PUBLIC_CA_BUNDLE": str(public_file),
    }
