"""hold_payload: SYNs pass at once; the request's payload leaves the client 1 s late."""

import pytest

from tests.lab.helpers import connect, read_until_eof
from wiresleuth.lab.lab import Lab

pytestmark = pytest.mark.lab


def test_request_is_held_but_handshake_is_not(primitives_lab: Lab) -> None:
    client = primitives_lab.names.ns("client")
    sock, seconds = connect(client, "100.64.1.50", 8080)
    with sock:
        sock.sendall(b"GET / HTTP/1.1\r\n\r\n")
        reply, first = read_until_eof(sock, timeout=5.0)
    assert 0.09 <= seconds <= 0.2  # one path RTT: the SYN was not held
    assert reply == b"held reply\n"
    assert 1.05 <= first <= 1.4  # 1.0 s hold + one path RTT


def test_other_ports_are_not_held(primitives_lab: Lab) -> None:
    sock, _ = connect(primitives_lab.names.ns("client"), "100.64.1.10", 80)
    with sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: www.lab.test\r\nConnection: close\r\n\r\n")
        reply, first = read_until_eof(sock)
    assert reply.startswith(b"HTTP/1.1 200 OK")
    assert first < 0.3
