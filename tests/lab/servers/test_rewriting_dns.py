"""The rewriting DNS forwarder: the rewrite itself (pure) and one real round trip on loopback."""

import threading

import dns.message
import dns.query
import dns.rcode
import dns.rdatatype
import dns.rrset

from tests.probes.pac_servers import MapDns
from wiresleuth.lab.servers.rewriting_dns import ForwarderServer, handler_for, rewrite


def _answer(
    name: str, rcode: int, address: str | None = None
) -> tuple[dns.message.Message, dns.message.Message]:
    query = dns.message.make_query(name, "A")
    answer = dns.message.make_response(query)
    answer.set_rcode(rcode)
    if address:
        answer.answer.append(dns.rrset.from_text(name, 60, "IN", "A", address))
    return query, answer


def test_nxdomain_becomes_the_address_and_ttls_can_be_set() -> None:
    query, answer = _answer("nothing.lab.test.", dns.rcode.NXDOMAIN)
    sent = rewrite(query, answer, nxdomain_address="100.64.1.80", ttl=None)
    assert sent.rcode() == dns.rcode.NOERROR
    assert [(r.ttl, str(r[0])) for r in sent.answer] == [(60, "100.64.1.80")]
    query, answer = _answer("pac.lab.test.", dns.rcode.NOERROR, "127.0.0.1")
    sent = rewrite(query, answer, nxdomain_address=None, ttl=1800)
    assert [(r.ttl, str(r[0])) for r in sent.answer] == [(1800, "127.0.0.1")]


def test_aaaa_nxdomain_becomes_an_empty_answer_and_real_answers_are_kept() -> None:
    query = dns.message.make_query("nothing.lab.test.", "AAAA")
    answer = dns.message.make_response(query)
    answer.set_rcode(dns.rcode.NXDOMAIN)
    sent = rewrite(query, answer, nxdomain_address="100.64.1.80", ttl=None)
    assert sent.rcode() == dns.rcode.NOERROR and sent.answer == []
    query, answer = _answer("www.lab.test.", dns.rcode.NOERROR, "100.64.1.10")
    assert rewrite(query, answer, nxdomain_address="100.64.1.80", ttl=None) is answer


def test_a_real_round_trip_through_the_forwarder() -> None:
    with MapDns({"www.lab.test": "100.64.1.10"}) as upstream:
        handler = handler_for("127.0.0.1", "100.64.1.80", None, upstream_port=upstream.port)
        server = ForwarderServer(("127.0.0.1", 0), handler)
        thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        thread.start()
        try:
            port = int(server.server_address[1])
            ask = dns.message.make_query
            found = dns.query.udp(ask("www.lab.test", "A"), "127.0.0.1", port=port, timeout=2)
            invented = dns.query.udp(ask("zz.lab.test", "A"), "127.0.0.1", port=port, timeout=2)
        finally:
            server.shutdown()
            server.server_close()
    assert str(found.answer[0][0]) == "100.64.1.10"
    assert str(invented.answer[0][0]) == "100.64.1.80" and invented.rcode() == dns.rcode.NOERROR
    assert upstream.queries == ["www.lab.test", "zz.lab.test"]
