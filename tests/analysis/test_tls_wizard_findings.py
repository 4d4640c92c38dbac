"""The TLS wizard's conclusions on scripted exchanges: observations plus (or without) packets."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import trustme
from cryptography import x509

from tests.analysis.scripted import Wire
from wiresleuth.analysis.flows import TcpFlow, assemble_flows
from wiresleuth.analysis.stopped_waits import Stops
from wiresleuth.analysis.tls_wizard_findings import (
    analyse_tls_wizard,
    direct_blocked_targets,
    late_reads,
    marked_targets,
)
from wiresleuth.bundle.recording import load_recorded_run
from wiresleuth.model.catalogue import sort_findings
from wiresleuth.model.engine_observations import Stall
from wiresleuth.model.finding import Finding
from wiresleuth.model.observations import (
    Chunk,
    ConnectObservation,
    GatewayObservation,
    PathRttObservation,
    StoppedAttempt,
    TlsAddressObservation,
    TlsObservation,
    TlsTargetObservation,
    TlsWizardObservations,
)

CLIENT, SERVER, T0 = "198.18.1.10", "100.64.1.10", 1_700_000_000.0
INJECTED = (
    b"HTTP/1.0 200 OK\r\nX-Bypass-Cache: Application and Content Networking System Software "
    b"5.5.17\r\nConnection: Close\r\n\r\n<meta http-equiv=refresh content=0>"
)
CLIENT_HELLO = b"\x16\x03\x01\x00\x40\x01\x00\x00\x3c" + b"\x03\x03" + bytes(58)


def attempt(
    purpose: str, port: int, outcome: str, *, start: float = T0, rtt: float = 0.1, **kw: object
) -> TlsObservation:
    connect = ConnectObservation(
        address=SERVER,
        port=443,
        started_at=start,
        connected_at=start + rtt,
        local_address=CLIENT,
        local_port=port,
        mss=536 if purpose == "small-mss" else None,
    )
    fields: dict[str, object] = {"client_hello_at": start + rtt + 0.001, "ended_at": start + 5}
    fields.update(kw)
    return TlsObservation(
        target="www.lab.test:443",
        sni="www.lab.test",
        purpose=purpose,
        connect=connect,
        outcome=outcome,
        **fields,
    )  # type: ignore[arg-type]


def observations(
    *attempts: TlsObservation,
    path_rtt: float | None = 0.1,
    gateway: GatewayObservation | None = None,
) -> TlsWizardObservations:
    path = (
        PathRttObservation(address=SERVER, method="icmp", samples=(path_rtt, path_rtt + 0.002))
        if path_rtt is not None
        else None
    )
    return TlsWizardObservations(
        targets=(
            TlsTargetObservation(
                target="www.lab.test:443", address=SERVER, path_rtt=path, attempts=attempts
            ),
        ),
        gateway=gateway,
    )


def ids(findings: list[Finding]) -> list[str]:
    return [f.id for f in sort_findings(findings)]


def c1_capture(port: int) -> Wire:
    """Server marks EF; its large first flight is lost, only the small tail arrives."""
    wire = Wire(client=(CLIENT, port), server=(SERVER, 443), start=T0)
    wire.sides["server"].dscp = 46
    wire.handshake(rtt=0.1)
    wire.send("client", CLIENT_HELLO)
    wire.wait(0.05).ack("server")
    for _ in range(3):
        wire.send("server", b"\x16" * 1400, lost=True)
    wire.send("server", b"\x17" * 300)  # the small tail passes: a hole before it
    wire.ack("client")  # duplicate ACK
    wire.wait(0.3).resend("server", 3 * 1400)  # tail-loss probe: the small one again
    wire.ack("client")
    return wire


def test_c1_large_packets_lost_and_ef_marking_with_packet_evidence() -> None:
    wire = c1_capture(40001)
    small = Wire(client=(CLIENT, 40002), server=(SERVER, 443), start=T0 + 6, first_number=100)
    small.sides["server"].dscp = 46
    small.handshake(rtt=0.1)
    small.send("client", CLIENT_HELLO)
    small.send("server", b"\x16\x03\x03\x00\x10\x02" + bytes(15))
    obs = observations(
        attempt("default", 40001, "timeout", error="no answer"),
        attempt("small-mss", 40002, "ok", start=T0 + 6, handshake_done_at=T0 + 6.3),
    )
    flows = assemble_flows(wire.packets + small.packets)
    findings, labels = analyse_tls_wizard(obs, flows)
    findings += marked_targets(obs, flows, frozenset({("www.lab.test:443", "")}))
    assert ids(findings)[:2] == ["path.large_packet_loss", "path.dscp_marked"]
    assert "tls.no_server_hello" not in ids(findings)  # explained by the cause, not repeated
    loss = next(f for f in findings if f.id == "path.large_packet_loss")
    assert loss.values["missing_bytes"] == 4200
    gap = next(e.text for e in loss.evidence if "never arrived" in e.text)
    assert "(bytes " in gap and "–" in gap and "[(" not in gap  # words, not a Python list
    assert loss.values["small_mss_ok"] is True
    assert loss.packets  # the out-of-order tail, its retransmission, the dup ACKs
    retransmitted = {p.number for p in wire.packets if p.payload.startswith(b"\x17")}
    assert retransmitted <= set(loss.packets)
    dscp = next(f for f in findings if f.id == "path.dscp_marked")
    assert dscp.values["dscp"] == 46 and dscp.values["name"] == "EF"
    assert dscp.severity.value == "problem"  # marked packets are the lost ones
    assert labels[40002].startswith("TLS small-mss")


def test_c1_without_capture_still_proves_the_loss_from_sockets() -> None:
    obs = observations(
        attempt("default", 40001, "timeout"),
        attempt("small-mss", 40002, "ok", handshake_done_at=T0 + 0.3),
    )
    findings, _ = analyse_tls_wizard(obs, [])
    assert ids(findings) == ["path.large_packet_loss"]


def test_a_stall_that_small_mss_does_not_cure_is_no_server_hello() -> None:
    obs = observations(attempt("default", 40001, "timeout"), attempt("small-mss", 40002, "timeout"))
    assert ids(analyse_tls_wizard(obs, [])[0]) == ["tls.no_server_hello"]


def test_c6_instant_handshake_and_injected_http() -> None:
    wire = Wire(client=(CLIENT, 40010), server=(SERVER, 443), start=T0)
    wire.handshake(rtt=0.0003)
    wire.send("client", CLIENT_HELLO)
    wire.wait(0.0005).ack("server")
    wire.wait(3.2).send("server", INJECTED, ttl=63)
    wire.fin("server")
    hello_at = T0 + 0.0005
    obs = observations(
        attempt(
            "default",
            40010,
            "not_tls",
            rtt=0.0003,
            client_hello_at=hello_at,
            received=(Chunk(at=hello_at + 3.2, data=INJECTED),),
        ),
        path_rtt=0.101,
    )
    findings, _ = analyse_tls_wizard(obs, assemble_flows(wire.packets))
    assert ids(findings) == ["path.tcp_intercepted", "tls.plaintext_injected"]
    inter, plain = sort_findings(findings)
    assert inter.values["handshake_rtt_ms"] < 1 and inter.values["path_rtt_ms"] == 101.0
    assert "X-Bypass-Cache" in plain.values["text"]
    assert plain.values["first_line"] == "HTTP/1.0 200 OK"
    injected = next(p for p in wire.packets if p.payload.startswith(b"HTTP/1.0"))
    assert injected.number in plain.packets
    assert 3.1 < plain.values["seconds_after_client_hello"] < 3.3


def test_c6_without_capture_uses_socket_timing_and_bytes() -> None:
    obs = observations(
        attempt(
            "default", 40010, "not_tls", rtt=0.0004, received=(Chunk(at=T0 + 3.2, data=INJECTED),)
        ),
        path_rtt=0.1,
    )
    assert ids(analyse_tls_wizard(obs, [])[0]) == ["path.tcp_intercepted", "tls.plaintext_injected"]


def test_a_nearby_server_is_not_called_intercepted() -> None:
    obs = observations(attempt("default", 40011, "ok", rtt=0.0003), path_rtt=0.0004)
    assert ids(analyse_tls_wizard(obs, [])[0]) == []


def reset_wire(rst_ttl: int) -> tuple[Wire, float]:
    wire = Wire(client=(CLIENT, 40020), server=(SERVER, 443), start=T0)
    wire.handshake(rtt=0.1)
    hello = wire.send("client", CLIENT_HELLO)
    assert hello is not None
    wire.wait(0.05).ack("server")
    wire.wait(3.0).rst("server", ttl=rst_ttl)
    return wire, hello.time


def test_c8_reset_timed_by_capture_with_the_sender_and_gateway_vendor() -> None:
    wire, hello_at = reset_wire(rst_ttl=52)
    gateway = GatewayObservation(
        address="198.18.1.1", interface="eth0", mac="00:01:d7:00:00:01", vendor="F5 Networks, Inc."
    )
    obs = observations(
        attempt("default", 40020, "reset", reset_at=hello_at + 3.06, client_hello_at=hello_at),
        attempt("small-mss", 40021, "reset"),
        gateway=gateway,
    )
    findings, _ = analyse_tls_wizard(obs, assemble_flows(wire.packets))
    assert ids(findings) == ["tls.reset_after_client_hello", "net.gateway_vendor"]
    reset, vendor = sort_findings(findings)
    assert abs(reset.values["seconds"] - 3.05) < 0.01 and reset.values["timing"] == "capture"
    assert reset.values["reset_by"] == SERVER and reset.values["ttl"] == 52
    assert "same hop distance" in reset.engineer_text
    assert reset.title.endswith("is reset after 3.1 s")
    assert vendor.values["vendor"] == "F5 Networks, Inc."


def test_a_reset_within_a_tenth_of_a_second_is_said_in_milliseconds() -> None:
    hello_at = T0 + 0.2
    obs = observations(
        attempt("default", 40020, "reset", client_hello_at=hello_at, reset_at=hello_at + 0.04)
    )
    reset = next(f for f in analyse_tls_wizard(obs, [])[0] if f.id.startswith("tls.reset"))
    assert reset.title.endswith("is reset after 40 ms") and "0.0 s" not in reset.user_text


def test_a_reset_with_a_foreign_ttl_is_attributed_to_another_device() -> None:
    wire, hello_at = reset_wire(rst_ttl=63)
    obs = observations(
        attempt("default", 40020, "reset", client_hello_at=hello_at, reset_at=hello_at + 3.06)
    )
    reset = analyse_tls_wizard(obs, assemble_flows(wire.packets))[0][0]
    assert "another device sent it" in reset.engineer_text


def test_c8_without_capture_times_the_reset_from_the_socket() -> None:
    obs = observations(
        attempt("default", 40020, "reset", client_hello_at=T0 + 0.1, reset_at=T0 + 3.2)
    )
    reset = analyse_tls_wizard(obs, [])[0][0]
    assert reset.values["timing"] == "socket" and abs(reset.values["seconds"] - 3.1) < 1e-6


def test_a_forged_fatal_alert_is_named() -> None:
    alert = b"\x15\x03\x03\x00\x02\x02\x28"  # fatal handshake_failure
    obs = observations(
        attempt("default", 40030, "tls_error", received=(Chunk(at=T0 + 0.3, data=alert),)),
        attempt("small-mss", 40031, "tls_error"),
    )
    finding = analyse_tls_wizard(obs, [])[0][0]
    assert finding.id == "tls.fatal_alert" and finding.values["alert"] == "handshake_failure"


def test_inspection_ca_is_named() -> None:
    inspection = trustme.CA(organization_name="Corp", organization_unit_name="SSL Inspection")
    leaf = inspection.issue_cert("www.lab.test")
    der = x509.load_pem_x509_certificate(leaf.cert_chain_pems[0].bytes()).public_bytes(
        encoding=__import__(
            "cryptography.hazmat.primitives.serialization", fromlist=["Encoding"]
        ).Encoding.DER
    )
    obs = observations(
        attempt("default", 40040, "ok", peer_certificate=der),
        attempt(
            "public-trust",
            40041,
            "cert_error",
            verify_error="unable to get local issuer certificate",
        ),
    )
    finding = analyse_tls_wizard(obs, [])[0][0]
    assert finding.id == "tls.certificate_intercepted"
    assert finding.values["issuer"] == "Corp, SSL Inspection"
    assert "Corp, SSL Inspection" in finding.user_text


def test_refused_connection_is_direct_blocked() -> None:
    obs = TlsObservation(
        target="www.lab.test:443",
        sni="www.lab.test",
        purpose="default",
        connect=ConnectObservation(address=SERVER, port=443, started_at=T0, error="refused"),
        outcome="connect_failed",
        ended_at=T0 + 0.1,
        error="refused",
    )
    assert ids(analyse_tls_wizard(observations(obs), [])[0]) == []  # the proxy-path's to say
    (blocked,) = direct_blocked_targets(observations(obs), [])
    assert (blocked.id, blocked.target, blocked.wizard) == (
        "path.direct_blocked", "www.lab.test:443", "tls",
    )  # fmt: skip


def test_c6_syn_ack_from_a_nearer_hop_than_the_servers_echo_replies() -> None:
    from wiresleuth.model.packet import ICMP, PacketRecord

    wire = Wire(client=(CLIENT, 40012), server=(SERVER, 443), start=T0)
    wire.handshake(rtt=0.0003)
    syn_ack = wire.packets[1]
    echo = PacketRecord(
        number=99,
        time=T0 + 0.2,
        src=SERVER,
        dst=CLIENT,
        proto=ICMP,
        ttl=47,
        icmp_type=0,
        icmp_code=0,
    )
    obs = observations(attempt("default", 40012, "ok", rtt=0.0003), path_rtt=0.1)
    findings, _ = analyse_tls_wizard(obs, assemble_flows(wire.packets), [*wire.packets, echo])
    evidence = findings[0].evidence[1]
    assert set(evidence.packets) == {syn_ack.number, 99}
    assert evidence.data == {"ttl": syn_ack.ttl, "echo_reply_ttl": 47}


def _der(ca: trustme.CA, name: str) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding

    leaf = ca.issue_cert(name)
    return x509.load_pem_x509_certificate(leaf.cert_chain_pems[0].bytes()).public_bytes(
        Encoding.DER
    )


def test_inspection_by_the_routes_proxy_names_the_proxy_and_both_issuers() -> None:
    inspection = trustme.CA(organization_name="Lab", organization_unit_name="Lab Inspection CA")
    public = trustme.CA(organization_name="Lab", organization_unit_name="Lab Public Root CA")
    proxy = "198.18.2.10:3128"
    obs = observations(
        attempt(
            "default", 40050, "ok", peer_certificate=_der(inspection, "www.lab.test"),
            proxy=proxy, tunnel_status="200 Connection established", tunnel_bytes=39,
        ),
        attempt(
            "public-trust", 40051, "cert_error", proxy=proxy,
            verify_error="unable to get local issuer certificate",
        ),
        attempt("direct-inspect", 40052, "ok", peer_certificate=_der(public, "www.lab.test")),
    )  # fmt: skip
    finding = analyse_tls_wizard(obs, [])[0][0]
    assert finding.id == "tls.inspected_by_proxy" and finding.values["proxy"] == proxy
    assert "Inspection" in str(finding.values["issuer"])
    assert "Public Root" in str(finding.values["real_issuer"])
    assert "Python" in finding.user_text and proxy in finding.user_text


def test_a_failed_tunnel_is_left_to_the_proxy_wizard_not_called_direct_blocked() -> None:
    obs = observations(
        attempt(
            "default", 40060, "tunnel_failed", proxy="198.18.2.10:3128", error="CONNECT: denied"
        )
    )
    assert analyse_tls_wizard(obs, [])[0] == []


def test_through_a_tunnel_the_evidence_cites_the_server_hello_not_the_proxys_answer() -> None:
    inspection = trustme.CA(organization_name="Lab", organization_unit_name="Lab Inspection CA")
    proxy = "198.18.2.10:3128"
    request = b"CONNECT www.lab.test:443 HTTP/1.1\r\nHost: www.lab.test:443\r\n\r\n"
    answer = b"HTTP/1.1 200 Connection established\r\n\r\n"
    wire = Wire(client=(CLIENT, 40070), server=(SERVER, 443), start=T0)
    wire.handshake(rtt=0.1)
    wire.send("client", request)
    wire.wait(0.05).send("server", answer)
    wire.send("client", CLIENT_HELLO)
    wire.wait(0.05).send("server", b"\x16\x03\x03" + bytes(200))
    wire.ack("client")
    hello_from_server = wire.packets[-2].number
    obs = observations(
        attempt(
            "default", 40070, "ok", peer_certificate=_der(inspection, "www.lab.test"),
            proxy=proxy, tunnel_status="200 Connection established",
            tunnel_bytes=len(answer), tunnel_request_bytes=len(request),
        ),
        attempt("public-trust", 40071, "cert_error", proxy=proxy, verify_error="unknown CA"),
    )  # fmt: skip
    finding = analyse_tls_wizard(obs, assemble_flows(wire.packets))[0][0]
    assert finding.id == "tls.inspected_by_proxy"
    assert finding.evidence[0].packets == (hello_from_server,)


STALLED = Path(__file__).parent / "samples" / "stall" / "corp-proxy-os-stalled.wsbundle"


def stalled_run() -> tuple[TlsWizardObservations, list[TcpFlow]]:
    run = load_recorded_run(STALLED, {"tls": TlsWizardObservations})
    obs = run.observations["tls"]
    assert isinstance(obs, TlsWizardObservations)
    return obs, assemble_flows(run.packets)


def test_a_stalled_program_that_read_the_answer_late_concludes_no_fault() -> None:
    """corp-proxy-os recorded while the program was stopped for 7 s: both handshakes through
    the proxy reported no ServerHello, yet the capture shows the server's flight arriving
    within the first second and the sockets still held it unread."""
    obs, flows = stalled_run()
    default = obs.targets[0].attempt("default")
    assert default is not None and (default.outcome, default.first_byte_at) == ("timeout", None)
    assert default.unread_bytes > 0
    findings, _ = analyse_tls_wizard(obs, flows)
    assert ids(findings) == []
    [late] = late_reads(obs, flows)
    assert late.target == "www.lab.test:443" and late.unread_bytes == default.unread_bytes
    assert late.arrived_after is not None and late.arrived_after < late.waited - 5
    assert late.packets and "198.18.2.10:3128" in late.exchange


def test_without_capture_the_sockets_unread_answer_is_enough() -> None:
    obs, _ = stalled_run()
    assert ids(analyse_tls_wizard(obs, [])[0]) == []
    [late] = late_reads(obs, [])
    assert late.arrived_after is None and late.unread_bytes > 0


def test_a_silence_neither_the_wire_nor_the_socket_contradicts_is_still_concluded() -> None:
    """The same run, its sockets' unread bytes forgotten and no capture: nothing shows the
    answer was there, so the rules conclude what the silence means (a small-MSS handshake
    that answered too: the large packets were lost)."""
    obs, _ = stalled_run()
    target = obs.targets[0]
    default, small = target.attempt("default"), target.attempt("small-mss")
    assert default is not None and small is not None
    silent = replace(
        target, attempts=(replace(default, unread_bytes=0), replace(small, unread_bytes=0))
    )
    forgot = replace(obs, targets=(silent,))
    assert ids(analyse_tls_wizard(forgot, [])[0]) == ["tls.no_server_hello"]
    assert late_reads(forgot, []) == []
    answered = replace(small, outcome="ok", unread_bytes=0, handshake_done_at=small.ended_at)
    split = replace(obs, targets=(replace(silent, attempts=(silent.attempts[0], answered)),))
    assert ids(analyse_tls_wizard(split, [])[0]) == ["path.large_packet_loss"]
    unread = replace(split, targets=(replace(target, attempts=(default, answered)),))
    assert ids(analyse_tls_wizard(unread, [])[0]) == []  # the stall split the two handshakes


def test_a_tunnel_whose_connect_answer_was_left_unread_is_a_late_read() -> None:
    """The TLS check's own CONNECT through the proxy heard nothing in time, yet the proxy's
    answer waited in its socket: could not run. A tunnel the proxy refused is no late read
    (the proxy-path check says why it refused)."""
    unanswered = attempt(
        "default", 40001, "tunnel_failed", proxy="198.18.2.10:3128", unread_bytes=39,
        error="CONNECT: no_answer (None)",
    )  # fmt: skip
    [late] = late_reads(observations(unanswered), [])
    assert late.unread_bytes == 39 and "CONNECT www.lab.test:443" in late.exchange
    refused = replace(unanswered, tunnel_status="403 Forbidden", unread_bytes=0)
    assert late_reads(observations(refused), []) == []
    assert late_reads(observations(replace(unanswered, unread_bytes=0)), []) == []


def test_a_stalled_run_without_capture_is_told_by_its_sockets() -> None:
    """corp-proxy-os stopped 7 s without capture rights: both handshakes timed out having
    read nothing, their sockets holding the server's flight; the rules of the lead concluded
    tls.no_server_hello from them."""
    run = load_recorded_run(
        STALLED.with_name("corp-proxy-os-stalled-nocapture.wsbundle"),
        {"tls": TlsWizardObservations},
    )
    obs = run.observations["tls"]
    assert isinstance(obs, TlsWizardObservations) and not run.packets
    outcomes = [(a.outcome, a.first_byte_at, a.unread_bytes > 0) for a in obs.targets[0].attempts]
    assert outcomes == [("timeout", None, True), ("timeout", None, True)]
    assert ids(analyse_tls_wizard(obs, [])[0]) == []
    [late] = late_reads(obs, [])
    assert late.arrived_after is None and late.target == "www.lab.test:443"


def stopped(start: float, end: float) -> Stops:
    stall = Stall(started_at=start, ended_at=end, monotonic_start=start, monotonic_end=end)
    return Stops((stall,), 0.05)


def test_a_handshake_whose_deadline_fell_while_the_program_was_stopped_concludes_nothing() -> None:
    """Both handshakes timed out, nothing captured or left unread: tls.no_server_hello, unless
    the program was stopped when their deadline came (it listened only until the stop)."""
    obs = observations(attempt("default", 40001, "timeout"), attempt("small-mss", 40002, "timeout"))
    stop = stopped(T0 + 0.5, T0 + 5.0)  # the default ended at T0 + 5, as the program woke
    assert ids(analyse_tls_wizard(obs, [], (), stop)[0]) == []
    [late] = late_reads(obs, [], stop)
    assert late.target == "www.lab.test:443" and "listened only 0.40 s" in late.detail
    assert "4.50 s stop" in late.detail


def test_a_stop_the_handshake_outlived_leaves_its_timeout_a_finding() -> None:
    obs = observations(attempt("default", 40001, "timeout"), attempt("small-mss", 40002, "timeout"))
    stop = stopped(T0 + 0.5, T0 + 1.0)  # awake again 4 s before the deadline
    assert ids(analyse_tls_wizard(obs, [], (), stop)[0]) == ["tls.no_server_hello"]
    assert late_reads(obs, [], stop) == []


def test_an_answer_that_ended_a_handshake_during_a_stop_is_still_an_answer() -> None:
    obs = observations(attempt("default", 40001, "reset", reset_at=T0 + 5))
    stop = stopped(T0 + 0.5, T0 + 5.0)
    assert late_reads(obs, [], stop) == []


def test_a_connect_whose_deadline_fell_while_the_program_was_stopped_is_not_direct_blocked() -> None:
    """The handshake's connect timed out as the program woke from a stop: no
    path.direct_blocked, a late read (the check could not run); refused stays an answer."""
    timed_out = TlsObservation(
        target="www.lab.test:443", sni="www.lab.test", purpose="default",
        connect=ConnectObservation(
            address=SERVER, port=443, started_at=T0, error="timeout", ended_at=T0 + 5
        ),
        outcome="connect_failed", ended_at=T0 + 5, error="timeout",
    )  # fmt: skip
    obs = observations(timed_out)
    assert ids(direct_blocked_targets(obs, [])) == ["path.direct_blocked"]
    stop = stopped(T0 + 0.5, T0 + 5.0)
    assert direct_blocked_targets(obs, [], stop) == []
    [late] = late_reads(obs, [], stop)
    assert f"connect to {SERVER}:443" in late.detail
    refused = replace(timed_out, connect=replace(timed_out.connect, error="refused"))
    assert ids(direct_blocked_targets(observations(refused), [], stop)) == ["path.direct_blocked"]
    assert late_reads(observations(refused), [], stop) == []


def test_follow_ups_not_needed_are_named_on_each_address() -> None:
    """A follow-up stopped, and one that had ended before it could be (its result unused):
    each connection named by its purpose and address, with what became of it."""
    first, second = "100.64.1.10", "100.64.1.11"
    stopped_one = StoppedAttempt(
        purpose="public-trust",
        connect=attempt("public-trust", 40003, "ok").connect,
        stopped_at=T0 + 1,
    )
    unused = StoppedAttempt(
        purpose="small-mss",
        connect=replace(attempt("small-mss", 40012, "ok").connect, address=second),
    )
    target = TlsTargetObservation(
        target="www.lab.test:443",
        address=first,
        attempts=(attempt("default", 40001, "reset"),),
        stopped_attempts=(stopped_one,),
        other_addresses=(
            TlsAddressObservation(
                address=second,
                attempts=(attempt("default", 40011, "ok"), attempt("public-trust", 40013, "ok")),
                stopped_attempts=(unused,),
            ),
        ),
    )
    labels = analyse_tls_wizard(TlsWizardObservations(targets=(target,)), [])[1]
    assert labels == {
        40001: "TLS default to www.lab.test:443 (100.64.1.10): reset",
        40003: "TLS public-trust to www.lab.test:443 (100.64.1.10): "
        "started in case, not needed, stopped",
        40011: "TLS default to www.lab.test:443 (100.64.1.11): ok",
        40012: "TLS small-mss to www.lab.test:443 (100.64.1.11): "
        "started in case, not needed, not used",
        40013: "TLS public-trust to www.lab.test:443 (100.64.1.11): ok",
    }
