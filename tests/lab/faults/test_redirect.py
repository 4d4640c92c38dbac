"""redirect: a router-local relay answers for the server faster than the path allows."""

import pytest

from tests.lab.helpers import connect, ping_avg_ms, read_until_eof
from wiresleuth.lab.lab import Lab

pytestmark = pytest.mark.lab


def test_relay_handshake_is_instant_then_it_replies_and_fins(primitives_lab: Lab) -> None:
    client = primitives_lab.names.ns("client")
    path_ms = ping_avg_ms(client, "100.64.1.30", count=3)  # ICMP is not redirected
    sock, seconds = connect(client, "100.64.1.30", 443)
    with sock:
        sock.sendall(b"\x16\x03\x01 a ClientHello")
        reply, first = read_until_eof(sock)
    assert path_ms > 95.0
    assert seconds * 1000 < 10.0, f"handshake {seconds * 1000:.1f} ms"
    assert 0.45 <= first <= 0.7  # wait = 0.5 s in primitives.toml
    assert reply == b"HTTP/1.0 200 OK\r\nX-Bypass-Cache: lab relay\r\n\r\n"  # then EOF (FIN)


def test_other_ports_of_that_address_are_not_intercepted(primitives_lab: Lab) -> None:
    sock, seconds = connect(primitives_lab.names.ns("client"), "100.64.1.30", 80)
    sock.close()
    assert seconds > 0.09
