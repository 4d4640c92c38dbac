"""The base lab's services, measured from inside the namespaces: path delay, DNS, proxy, PKI."""

import ssl
import time

import pytest

from tests.lab.helpers import connect, ping_avg_ms, read_until_eof
from wiresleuth.lab import addresses
from wiresleuth.lab.commands import run_in
from wiresleuth.lab.lab import Lab

pytestmark = pytest.mark.lab


def test_the_internet_is_100_ms_away_and_the_gateway_is_not(primitives_lab: Lab) -> None:
    client = primitives_lab.names.ns("client")
    assert 99.0 <= ping_avg_ms(client, "100.64.1.10") <= 115.0
    assert ping_avg_ms(client, addresses.CLIENT_GATEWAY) < 5.0
    proxy = primitives_lab.names.ns("proxy")
    assert 99.0 <= ping_avg_ms(proxy, "100.64.1.10") <= 115.0


def test_unprivileged_users_can_ping_from_the_client(primitives_lab: Lab) -> None:
    client = primitives_lab.names.ns("client")
    done = run_in(client, ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                           "ping", "-n", "-c", "1", "-W", "2", "100.64.1.10"])  # fmt: skip
    assert "1 received" in done.stdout


def test_the_client_resolves_lab_names_through_its_resolv_conf(primitives_lab: Lab) -> None:
    client = primitives_lab.names.ns("client")
    done = run_in(client, ["getent", "ahostsv4", "www.lab.test"])
    assert done.stdout.split()[0] == "100.64.1.10"
    missing = run_in(client, ["getent", "ahostsv4", "nosuch.lab.test"], check=False)
    assert missing.returncode == 2  # NXDOMAIN: the lab answers its own domain


def test_squid_forwards_to_lab_servers(primitives_lab: Lab) -> None:
    sock, _ = connect(primitives_lab.names.ns("client"), addresses.PROXY, addresses.PROXY_PORT)
    with sock:
        sock.sendall(b"GET http://www.lab.test/ HTTP/1.1\r\nHost: www.lab.test\r\n"
                     b"Connection: close\r\n\r\n")  # fmt: skip
        reply, _ = read_until_eof(sock)
    assert reply.startswith(b"HTTP/1.1 200 OK")
    assert b"Via: 1.1 proxy.lab.test (squid" in reply
    assert reply.endswith(b"wiresleuth lab: www.lab.test\n")


def _handshake(lab: Lab, address: str, name: str, cafile: str) -> str:
    context = ssl.create_default_context(cafile=cafile)
    sock, _ = connect(lab.names.ns("client"), address, 443)
    with context.wrap_socket(sock, server_hostname=name) as tls:
        tls.sendall(f"GET / HTTP/1.1\r\nHost: {name}\r\nConnection: close\r\n\r\n".encode())
        reply, _ = read_until_eof(tls)
    return reply.decode()


def test_os_trust_holds_both_roots_and_the_public_bundle_only_one(primitives_lab: Lab) -> None:
    bundles = primitives_lab.bundles
    os_trust, public = str(bundles.os_trust), str(bundles.public)
    assert _handshake(primitives_lab, "100.64.1.10", "www.lab.test", public).startswith(
        "HTTP/1.1 200 OK")  # fmt: skip
    assert "inspect.lab.test" in _handshake(
        primitives_lab, "100.64.1.60", "inspect.lab.test", os_trust
    )
    with pytest.raises(ssl.SSLCertVerificationError, match="unable to get local issuer"):
        _handshake(primitives_lab, "100.64.1.60", "inspect.lab.test", public)
    assert bundles.os_trust.stat().st_mode & 0o004 and bundles.public.stat().st_mode & 0o004


def test_server_readiness_left_no_half_started_process(primitives_lab: Lab) -> None:
    for name in ("dns", "squid", "delay-line", "server-www.lab.test", "server-reset.lab.test"):
        assert primitives_lab.table.running(name), name
    started = time.monotonic()
    assert primitives_lab.dns.resolve("ef.lab.test") == "100.64.1.20"
    assert time.monotonic() - started < 1.0
