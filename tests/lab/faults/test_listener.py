"""listener: scripted listeners answer in the client (loopback) and in the internet."""

import pytest

from tests.lab.helpers import connect, read_until_eof
from wiresleuth.lab.lab import Lab

pytestmark = pytest.mark.lab


def test_a_local_service_answers_404_on_the_client_loopback(primitives_lab: Lab) -> None:
    sock, _ = connect(primitives_lab.names.ns("client"), "127.0.0.1", 80)
    with sock:
        sock.sendall(b"GET /proxy.pac HTTP/1.1\r\nHost: pac.lab.test\r\n\r\n")
        reply, _ = read_until_eof(sock)
    assert reply.startswith(b"HTTP/1.1 404 Not Found\r\nServer: Microsoft-HTTPAPI/2.0\r\n")


def test_a_listener_on_a_new_internet_address(primitives_lab: Lab) -> None:
    sock, _ = connect(primitives_lab.names.ns("proxy"), "100.64.1.50", 8080)
    with sock:
        sock.sendall(b"hi")
        reply, _ = read_until_eof(sock)
    assert reply == b"held reply\n"
