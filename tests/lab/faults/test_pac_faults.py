"""The PAC primitives: parameters checked with the key named; then against a real lab."""

import dns.message
import dns.query
import pytest

from tests.lab.conftest import fresh_names
from tests.lab.helpers import connect, read_until_eof
from wiresleuth.errors import LabError
from wiresleuth.lab.addresses import DNS_SERVER
from wiresleuth.lab.lab import build_lab
from wiresleuth.lab.netns_socket import netns_socket
from wiresleuth.lab.scenario import parse_scenario

BASE = """
description = "pac primitives"
[client]
targets = ["https://www.lab.test/"]
"""


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ('kind = "http_file"\naddress = "10.0.0.1"', "address"),
        ('kind = "http_file"\naddress = "100.64.1.70"\nname = "pac.example.com"', "name"),
        ('kind = "http_file"\naddress = "100.64.1.70"\npath = "proxy.pac"', "path"),
        ('kind = "dns_rewrite"', "nxdomain_address"),
        ('kind = "dns_rewrite"\nnxdomain_address = "8.8.8.8"', "nxdomain_address"),
        ('kind = "dns_rewrite"\nttl = -1', "ttl"),
    ],
)
def test_bad_parameters_name_the_key(fault: str, message: str) -> None:
    with pytest.raises(LabError, match=message):
        parse_scenario(BASE + "[[fault]]\n" + fault + "\n", name="x", source="x.toml")


PRIMITIVES = (
    BASE
    + """
[[fault]]
kind = "http_file"
name = "pac.lab.test"
address = "100.64.1.70"
body = "function FindProxyForURL(u, h) { return 'DIRECT'; }"

[[fault]]
kind = "dns_rewrite"
nxdomain_address = "100.64.1.70"
ttl = 1800
"""
)


@pytest.mark.lab
def test_the_pac_primitives_in_a_real_lab() -> None:
    names = fresh_names("pac-faults")
    lab = build_lab(parse_scenario(PRIMITIVES, name="pac", source="pac.toml"), names)
    try:
        client = names.ns("client")
        sock, seconds = connect(client, "100.64.1.70", 80)
        with sock:
            sock.sendall(b"GET /proxy.pac HTTP/1.1\r\nHost: pac.lab.test\r\n\r\n")
            data, _first = read_until_eof(sock)
        assert data.startswith(b"HTTP/1.1 200") and b"FindProxyForURL" in data
        assert seconds > 0.09  # a real server behind the 100 ms path, not a router relay

        def ask(name: str) -> dns.message.Message:
            udp = netns_socket(client, kind=2)  # SOCK_DGRAM
            udp.setblocking(False)
            try:
                return dns.query.udp(
                    dns.message.make_query(name, "A"), DNS_SERVER, timeout=2, sock=udp
                )
            finally:
                udp.close()

        known = ask("pac.lab.test")
        invented = ask("ws-nothing-here.lab.test")
        assert [(r.ttl, str(r[0])) for r in known.answer] == [(1800, "100.64.1.70")]
        assert [str(r[0]) for r in invented.answer] == ["100.64.1.70"]
    finally:
        assert lab.teardown() == []
