"""The lab web server's fault options, against real connections from the client."""

import ssl
import time

import pytest

from tests.lab.helpers import connect
from wiresleuth.lab.lab import Lab

pytestmark = pytest.mark.lab


def test_reset_after_sends_an_rst_that_long_after_the_client_hello(primitives_lab: Lab) -> None:
    sock, _ = connect(primitives_lab.names.ns("client"), "100.64.1.40", 443, timeout=5.0)
    with sock:
        sock.sendall(b"\x16\x03\x01\x00\x05hello")  # any first bytes stand for a ClientHello
        started = time.monotonic()
        with pytest.raises(ConnectionResetError):
            sock.recv(100)
        elapsed = time.monotonic() - started
    # server waits 1.0 s after the hello reaches it; hello and RST each cross 50 ms of path
    assert 1.05 <= elapsed <= 1.4


def test_a_large_chain_makes_a_first_flight_of_several_segments(primitives_lab: Lab) -> None:
    bundles = primitives_lab.bundles
    context = ssl.create_default_context(cafile=str(bundles.os_trust))
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = context.wrap_bio(incoming, outgoing, server_hostname="ef.lab.test")
    # MSS 536 keeps every segment under the EF drop rule of primitives.toml
    sock, _ = connect(primitives_lab.names.ns("client"), "100.64.1.20", 443, mss=536)
    received = 0
    with sock:
        for _ in range(50):
            try:
                tls.do_handshake()
                break
            except ssl.SSLWantReadError:
                if outgoing.pending:
                    sock.sendall(outgoing.read())
                chunk = sock.recv(65536)
                assert chunk, "server closed during the handshake"
                received += len(chunk)
                incoming.write(chunk)
    assert tls.version() is not None, "handshake did not finish"
    assert received > 4000, f"first flight only {received} bytes"
