"""dnspython queries: answer with TTL and server, NXDOMAIN, and a resolver that never answers."""

import asyncio

from tests.probes.pac_servers import MapDns
from wiresleuth.probes.dns_lookup import dns_query, random_label


def ask(name: str, server: MapDns, timeout: float = 1.0):  # type: ignore[no-untyped-def]
    return asyncio.run(
        dns_query(name, timeout=timeout, nameservers=("127.0.0.1",), port=server.port)
    )


def test_answer_ttl_and_server() -> None:
    with MapDns({"pac.lab.test": "127.0.0.1"}, ttl=1800) as server:
        answer = ask("pac.lab.test", server)
    assert answer.rcode == "NOERROR"
    assert (answer.addresses, answer.ttl, answer.server) == (("127.0.0.1",), 1800, "127.0.0.1")


def test_nxdomain_and_the_name_is_asked_exactly() -> None:
    name = f"{random_label()}.lab.test"
    with MapDns({}) as server:
        answer = ask(name, server)
    assert answer.rcode == "NXDOMAIN" and answer.addresses == ()
    assert server.queries == [name]


def test_a_silent_resolver_is_a_timeout_within_the_deadline() -> None:
    with MapDns({}, silent=("slow.lab.test",)) as server:
        answer = ask("slow.lab.test", server, timeout=0.5)
    assert answer.rcode == "timeout" and answer.elapsed < 1.5


def test_random_labels_differ() -> None:
    labels = {random_label() for _ in range(20)}
    assert len(labels) == 20 and all(label.startswith("ws-") for label in labels)
