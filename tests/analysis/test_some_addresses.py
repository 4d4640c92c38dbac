"""A target whose name has several addresses (issue 16): each address judged on its own, one
finding that says how many of how many fail and names them, each address's status."""

from __future__ import annotations

from dataclasses import replace

from tests.analysis.scripted import Wire
from wiresleuth.analysis.answer_on_wire import TOO_BUSY
from wiresleuth.analysis.flows import assemble_flows
from wiresleuth.analysis.hop_requests import hop_requests
from wiresleuth.analysis.some_addresses import and_list
from wiresleuth.analysis.tls_wizard_findings import address_rows, analyse_tls_wizard, late_reads
from wiresleuth.model.check_status import Status
from wiresleuth.model.observations import (
    ConnectObservation,
    PathRttObservation,
    TlsAddressObservation,
    TlsObservation,
    TlsTargetObservation,
    TlsWizardObservations,
)
from wiresleuth.model.packet import RST, PacketRecord

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
        targets=(target(reset("100.64.1.41", 40001, hello_1), reset("100.64.1.42", 40002, hello_2)),)
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
    assert found.title == "1 of 2 addresses of portal.lab.test resets after the ClientHello: fd00::42"
    assert found.values["timing"] == "capture"


def test_an_address_that_refuses_is_said_so_beside_the_one_that_resets() -> None:
    refused = TlsAddressObservation(
        address="100.64.1.43", attempts=(attempt("100.64.1.43", 40003, "connect_failed"),)
    )
    obs = TlsWizardObservations(
        targets=(
            target(ok("100.64.1.41", 40001), reset("100.64.1.42", 40002, T0 + 0.1), refused),
        )
    )
    [found] = analyse_tls_wizard(obs, [])[0]
    assert "100.64.1.43 could not be reached (refused)" in found.user_text
    assert found.values["timing"] == "socket"
    rows = address_rows(obs, [])[TARGET]
    assert rows[2].status is Status.COULD_NOT_RUN


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
