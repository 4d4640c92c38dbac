"""A target whose name has several addresses (issue 16): each address judged on its own, one
finding that says how many of how many fail and names them, each address's status; the
rules read beside the TLS check (unreachable addresses, DSCP marks) and the proxy-path
check's direct connect to the first address judged the same way."""

from __future__ import annotations

from dataclasses import replace

from tests.analysis.scripted import Wire
from tests.analysis.test_proxy_path_findings import answer, exchange, failed_connect, proxied
from tests.diagnosis.recordings import run_of
from wiresleuth.analysis.answer_on_wire import TOO_BUSY
from wiresleuth.analysis.direct_blocked import Blocked, direct_blocked
from wiresleuth.analysis.flows import assemble_flows
from wiresleuth.analysis.hop_requests import hop_requests
from wiresleuth.analysis.some_addresses import and_list, failing_pairs
from wiresleuth.analysis.tls_wizard_findings import (
    address_rows,
    analyse_tls_wizard,
    direct_blocked_targets,
    late_reads,
    marked_targets,
)
from wiresleuth.diagnosis.diagnose import diagnose
from wiresleuth.model.check_status import Status
from wiresleuth.model.finding import Finding, Severity
from wiresleuth.model.observations import (
    ConnectObservation,
    PathRttObservation,
    TlsAddressObservation,
    TlsObservation,
    TlsTargetObservation,
    TlsWizardObservations,
)
from wiresleuth.model.packet import RST, PacketRecord
from wiresleuth.model.proxy_observations import ProxyWizardObservations, Route

CLIENT, T0 = "198.18.1.10", 1_700_000_000.0
TARGET = "portal.lab.test:443"
CLIENT_HELLO = b"\x16\x03\x01\x00\x40\x01\x00\x00\x3c" + b"\x03\x03" + bytes(58)


def attempt(address: str, port: int, outcome: str, **kw: object) -> TlsObservation:
    connect = ConnectObservation(
        address=address,
        port=443,
        started_at=T0,
        connected_at=None if outcome == "connect_failed" else T0 + 0.1,
        local_address=CLIENT,
        local_port=port,
        error="refused" if outcome == "connect_failed" else None,
    )
    fields: dict[str, object] = {"client_hello_at": T0 + 0.101, "ended_at": T0 + 3.3}
    fields.update(kw)
    return TlsObservation(
        target=TARGET, sni="portal.lab.test", purpose="default", connect=connect,
        outcome=outcome, **fields,
    )  # type: ignore[arg-type]  # fmt: skip


def reset_wire(address: str, port: int, first_number: int) -> tuple[list[PacketRecord], float]:
    wire = Wire(
        client=(CLIENT, port), server=(address, 443), start=T0, first_number=first_number,
        ip_version=6 if ":" in address else 4,
    )  # fmt: skip
    wire.handshake(rtt=0.1)
    hello = wire.send("client", CLIENT_HELLO)
    assert hello is not None
    wire.wait(0.05).ack("server")
    wire.wait(3.0).rst("server")
    return wire.packets, hello.time


def ok(address: str, port: int) -> TlsAddressObservation:
    return TlsAddressObservation(
        address=address,
        path_rtt=PathRttObservation(address=address, method="icmp", samples=(0.1,)),
        attempts=(attempt(address, port, "ok", handshake_done_at=T0 + 0.3),),
    )


def reset(address: str, port: int, hello_at: float) -> TlsAddressObservation:
    return TlsAddressObservation(
        address=address,
        path_rtt=PathRttObservation(address=address, method="icmp", samples=(0.1,)),
        attempts=(
            attempt(address, port, "reset", client_hello_at=hello_at, reset_at=hello_at + 3.05),
        ),
    )


def target(*tested: TlsAddressObservation) -> TlsTargetObservation:
    first, *others = tested
    return TlsTargetObservation(
        target=TARGET,
        address=first.address,
        path_rtt=first.path_rtt,
        attempts=first.attempts,
        other_addresses=tuple(others),
    )


def test_one_bad_member_of_three_is_named_with_its_packets_and_the_others_pass() -> None:
    packets, hello_at = reset_wire("100.64.1.42", 40002, first_number=1)
    obs = TlsWizardObservations(
        targets=(
            target(ok("100.64.1.41", 40001), reset("100.64.1.42", 40002, hello_at),
                   ok("100.64.1.43", 40003)),
        )
    )  # fmt: skip
    flows = assemble_flows(packets)
    findings, labels = analyse_tls_wizard(obs, flows, packets)
    assert [f.id for f in findings] == ["tls.reset_after_client_hello"]
    found = findings[0]
    assert found.title == (
        "1 of 3 addresses of portal.lab.test resets after the ClientHello: 100.64.1.42"
    )
    assert "100.64.1.41 completed the handshake; 100.64.1.43 completed the handshake" in (
        found.user_text
    )
    assert found.values["addresses_failing"] == ["100.64.1.42"]
    assert found.values["addresses_tested"] == ["100.64.1.41", "100.64.1.42", "100.64.1.43"]
    assert (found.values["failing"], found.values["tested"]) == (1, 3)
    assert found.values["timing"] == "capture" and abs(found.values["seconds"] - 3.05) < 0.01
    rst = next(p for p in packets if p.src == "100.64.1.42" and p.has(RST))
    assert hello_at in {p.time for p in packets if p.number in found.packets}
    assert rst.number in found.packets
    assert all(e.text.startswith(("100.64.1.4",)) for e in found.evidence)
    assert labels[40002] == "TLS default to portal.lab.test:443 (100.64.1.42): reset"
    rows = address_rows(obs, flows, packets)[TARGET]
    assert [(r.address, r.status) for r in rows] == [
        ("100.64.1.41", Status.PASSED),
        ("100.64.1.42", Status.PROBLEM),
        ("100.64.1.43", Status.PASSED),
    ]
    assert rows[1].shown == "100.64.1.42: problem: reset after the ClientHello"


def test_when_every_address_fails_it_reads_as_with_one_and_cites_each() -> None:
    first, hello_1 = reset_wire("100.64.1.41", 40001, first_number=1)
    second, hello_2 = reset_wire("100.64.1.42", 40002, first_number=len(first) + 1)
    packets = first + second
    both = TlsWizardObservations(
        targets=(
            target(reset("100.64.1.41", 40001, hello_1), reset("100.64.1.42", 40002, hello_2)),
        )
    )
    alone = TlsWizardObservations(targets=(target(reset("100.64.1.41", 40001, hello_1)),))
    flows = assemble_flows(packets)
    [found] = analyse_tls_wizard(both, flows, packets)[0]
    [single] = analyse_tls_wizard(alone, flows, packets)[0]
    assert (found.title, found.user_text) == (single.title, single.user_text)
    assert "of 2 addresses" not in found.title
    assert found.values["addresses_failing"] == ["100.64.1.41", "100.64.1.42"]
    rsts = {p.number for p in packets if p.has(RST)}
    assert rsts <= set(found.packets) and len(rsts) == 2


def test_an_ipv6_address_that_fails_beside_an_ipv4_one_that_works() -> None:
    packets, hello_at = reset_wire("fd00::42", 40002, first_number=1)
    obs = TlsWizardObservations(
        targets=(target(ok("100.64.1.41", 40001), reset("fd00::42", 40002, hello_at)),)
    )
    [found] = analyse_tls_wizard(obs, assemble_flows(packets), packets)[0]
    assert (
        found.title == "1 of 2 addresses of portal.lab.test resets after the ClientHello: fd00::42"
    )
    assert found.values["timing"] == "capture"


def test_an_address_that_refuses_is_said_so_beside_the_one_that_resets() -> None:
    refused = TlsAddressObservation(
        address="100.64.1.43", attempts=(attempt("100.64.1.43", 40003, "connect_failed"),)
    )
    obs = TlsWizardObservations(
        targets=(target(ok("100.64.1.41", 40001), reset("100.64.1.42", 40002, T0 + 0.1), refused),)
    )
    [found] = analyse_tls_wizard(obs, [])[0]
    assert "100.64.1.43 could not be reached (refused)" in found.user_text
    assert found.values["timing"] == "socket"
    rows = address_rows(obs, [])[TARGET]
    assert (rows[2].status, rows[2].reason) == (Status.PROBLEM, "cannot be reached")


def test_a_name_with_one_address_keeps_its_findings_and_no_address_rows() -> None:
    obs = TlsWizardObservations(targets=(target(reset("100.64.1.42", 40002, T0 + 0.1)),))
    [found] = analyse_tls_wizard(obs, [])[0]
    assert "addresses_failing" not in found.values
    assert address_rows(obs, []) == {}


def test_the_hop_locator_is_sent_to_the_failing_address_not_the_first() -> None:
    obs = TlsWizardObservations(
        targets=(
            target(ok("100.64.1.41", 40001), reset("100.64.1.42", 40002, T0 + 0.1),
                   ok("100.64.1.43", 40003)),
        )
    )  # fmt: skip
    requests = hop_requests(obs, None)
    assert [(r.address, r.kind) for r in requests] == [("100.64.1.42", "client-hello")]


def test_by_address_lists_the_first_then_the_others() -> None:
    obs = target(ok("100.64.1.41", 40001), ok("100.64.1.43", 40003))
    assert [a.address for a in obs.by_address()] == ["100.64.1.41", "100.64.1.43"]
    assert replace(obs, address=None, attempts=()).by_address() == obs.other_addresses


def test_and_list() -> None:
    assert [and_list(x) for x in ([], ["a"], ["a", "b"], ["a", "b", "c"])] == [
        "", "a", "a and b", "a, b and c",
    ]  # fmt: skip


def test_an_address_whose_answer_was_read_too_late_could_not_run_beside_one_that_resets() -> None:
    """A stalled program found its deadline past on 100.64.1.41 with the server's answer
    waiting in the socket: that address could not run (no finding from its silence); the
    reset of 100.64.1.42 is still concluded, said of 1 of 2 addresses."""
    packets, hello_at = reset_wire("100.64.1.42", 40002, first_number=1)
    late = TlsAddressObservation(
        address="100.64.1.41",
        path_rtt=PathRttObservation(address="100.64.1.41", method="icmp", samples=(0.1,)),
        attempts=(attempt("100.64.1.41", 40001, "timeout", unread_bytes=1200),),
    )
    obs = TlsWizardObservations(targets=(target(late, reset("100.64.1.42", 40002, hello_at)),))
    flows = assemble_flows(packets)
    findings, _ = analyse_tls_wizard(obs, flows, packets)
    assert [f.id for f in findings] == ["tls.reset_after_client_hello"]
    assert findings[0].values["addresses_failing"] == ["100.64.1.42"]
    rows = address_rows(obs, flows, packets)[TARGET]
    assert [(r.address, r.status, r.reason) for r in rows] == [
        ("100.64.1.41", Status.COULD_NOT_RUN, TOO_BUSY),
        ("100.64.1.42", Status.PROBLEM, "reset after the ClientHello"),
    ]
    assert [x.exchange.split(" (")[0] for x in late_reads(obs, flows)] == [
        "The TLS handshake with 100.64.1.41:443"
    ]


def marked_wire(address: str, port: int, first_number: int, dscp: int) -> list[PacketRecord]:
    """A handshake that completes, the server's packets carrying ``dscp``."""
    wire = Wire(client=(CLIENT, port), server=(address, 443), start=T0, first_number=first_number)
    wire.sides["server"].dscp = dscp
    wire.handshake(rtt=0.1)
    wire.send("client", CLIENT_HELLO)
    wire.send("server", b"\x16\x03\x03\x00\x10\x02" + bytes(15))
    return wire.packets


def test_a_second_address_that_marks_its_packets_is_named_and_the_loss_only_on_it() -> None:
    """The DSCP rule judges every address, not the first alone: 1 of 2 marks EF, and the
    large-packet loss found on that address (not the other) makes it a problem."""
    first = marked_wire("100.64.1.41", 40001, 1, dscp=0)
    second = marked_wire("100.64.1.42", 40002, len(first) + 1, dscp=46)
    obs = TlsWizardObservations(
        targets=(target(ok("100.64.1.41", 40001), ok("100.64.1.42", 40002)),)
    )
    flows = assemble_flows(first + second)
    (marked,) = marked_targets(obs, flows, frozenset({(TARGET, "100.64.1.42")}))
    assert marked.title == (
        "1 of 2 addresses of portal.lab.test marks its packets with a priority class (DSCP): "
        "100.64.1.42"
    )
    assert (marked.values["addresses_failing"], marked.values["tested"]) == (["100.64.1.42"], 2)
    assert marked.values["dscp"] == 46 and marked.severity is Severity.PROBLEM
    assert set(marked.packets) <= {p.number for p in second}
    (elsewhere,) = marked_targets(obs, flows, frozenset({(TARGET, "100.64.1.41")}))
    assert elsewhere.severity is Severity.WARNING  # the loss was on the other address
    (everywhere,) = marked_targets(obs, flows, failing_pairs([loss(TARGET)]))
    assert everywhere.severity is Severity.PROBLEM  # a loss on every address of the name


def loss(about: str, *failing: str) -> Finding:
    values: dict[str, object] = {"addresses_failing": list(failing)} if failing else {}
    return Finding(
        id="path.large_packet_loss", severity=Severity.PROBLEM, title="t", user_text="u",
        engineer_text="e", wizard="tls", target=about, values=values,
    )  # fmt: skip


def test_failing_pairs_name_the_addresses_a_finding_names_else_every_address() -> None:
    assert failing_pairs([loss(TARGET, "100.64.1.42"), loss("other:443")]) == {
        (TARGET, "100.64.1.42"), ("other:443", ""),
    }  # fmt: skip


def test_the_proxy_checks_blocked_first_address_is_judged_beside_the_others() -> None:
    """The proxy-path check tries a name's first address only: when the TLS check reached
    that address's sibling, its finding says 1 of 2 and keeps what the proxies did."""
    refused = TlsAddressObservation(
        address="100.64.1.41", attempts=(attempt("100.64.1.41", 40001, "connect_failed"),)
    )
    obs = TlsWizardObservations(targets=(target(refused, ok("100.64.1.42", 40002)),))
    proxy_says = direct_blocked(
        Blocked(target=TARGET, address="100.64.1.41", port=443, error="refused",
                via_proxy=("proxy.lab.test:3128: ok",)),
        wizard="proxy",
    )  # fmt: skip
    (blocked,) = direct_blocked_targets(obs, [], first=[proxy_says])
    assert blocked.title == (
        "1 of 2 addresses of portal.lab.test cannot be reached (no connection could be made): "
        "100.64.1.41"
    )
    assert "Via proxy: proxy.lab.test:3128: ok" in blocked.engineer_text
    assert blocked.wizard == "proxy+tls" and blocked.values["addresses_tested"] == [
        "100.64.1.41", "100.64.1.42",
    ]  # fmt: skip
    # the TLS check reached the address the proxy-path check could not: still 1 of 2
    reached = TlsWizardObservations(
        targets=(target(ok("100.64.1.41", 40001), ok("100.64.1.42", 40002)),)
    )
    (once,) = direct_blocked_targets(reached, [], first=[proxy_says])
    assert once.values["addresses_failing"] == ["100.64.1.41"] and once.values["tested"] == 2
    # a name with one address, or a target the TLS check did not test: as the check said
    assert direct_blocked_targets(TlsWizardObservations(targets=()), [], first=[proxy_says]) == [
        proxy_says
    ]


def test_a_first_address_the_proxy_check_could_not_reach_does_not_condemn_the_name() -> None:
    """The client goes direct; the proxy-path check's direct connect (the name's first
    address, .41) fails while the proxy works; the TLS check reached .42 directly. Through
    ``diagnose``: the name does not work only through the proxy, .41 cannot be reached, 1 of
    2, with what the proxy did. With one address, the same check still says it works only
    via the proxy."""
    portal = replace(
        proxied(
            TARGET,
            direct=failed_connect("100.64.1.41", 443, "refused"),
            via=(exchange(TARGET, "ok", answer(200, "Connection established")),),
            first=Route(kind="DIRECT"),
        ),
        address="100.64.1.41",
    )
    refused = TlsAddressObservation(
        address="100.64.1.41", attempts=(attempt("100.64.1.41", 40001, "connect_failed"),)
    )
    tls = TlsWizardObservations(targets=(target(refused, ok("100.64.1.42", 40002)),))
    proxy = ProxyWizardObservations(targets=(portal,))
    found = diagnose(run_of({"proxy": proxy, "tls": tls}, captured=False)).findings
    assert "path.works_only_via_proxy" not in [f.id for f in found]
    (blocked,) = [f for f in found if f.id == "path.direct_blocked"]
    assert blocked.title == (
        "1 of 2 addresses of portal.lab.test cannot be reached (no connection could be made): "
        "100.64.1.41"
    )
    assert "Via proxy: 198.18.2.10:3128: ok" in blocked.engineer_text
    alone = TlsWizardObservations(targets=(target(refused),))
    found = diagnose(run_of({"proxy": proxy, "tls": alone}, captured=False)).findings
    assert "path.works_only_via_proxy" in [f.id for f in found]
