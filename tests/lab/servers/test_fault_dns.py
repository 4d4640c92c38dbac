"""The failing name server's answers (pure, no sockets)."""

from __future__ import annotations

import dns.message
import dns.rcode

from wiresleuth.lab.servers.fault_dns import answer


def test_each_mode() -> None:
    query = dns.message.make_query("app.example.test", "A")
    servfail = answer(query, "servfail", None)
    assert servfail is not None and servfail.rcode() == dns.rcode.SERVFAIL
    refused = answer(query, "refused", None)
    assert refused is not None and refused.rcode() == dns.rcode.REFUSED
    assert answer(query, "silent", None) is None
    everything = answer(query, "answer-all", "100.64.1.80")
    assert everything is not None and everything.rcode() == dns.rcode.NOERROR
    assert [r.to_text() for r in everything.answer[0]] == ["100.64.1.80"]
    aaaa = answer(dns.message.make_query("x.test", "AAAA"), "answer-all", "100.64.1.80")
    assert aaaa is not None and not aaaa.answer
