"""The passive findings on scripted captures: each one shown, and its look-alikes not."""

from __future__ import annotations

import dataclasses

import dns.message
import dns.rrset
import pytest

from tests.analysis.scripted import Wire
from tests.diagnosis.recordings import wire_findings
from wiresleuth.analysis.passive_model import DnsMessage, IcmpNote, PassiveCapture
from wiresleuth.analysis.passive_tcp import TcpAnalyser, segments_from_records
from wiresleuth.model.catalogue import CATALOGUE
from wiresleuth.model.finding import Finding, Severity
from wiresleuth.model.packet import ACK, SYN, PacketRecord

CLIENT = "198.18.0.2"
SERVER = "100.64.1.30"
T0 = 1_700_000_000.0
CLIENT_MAC = "52:54:00:12:34:56"
F5_MAC = "00:01:d7:5e:a1:08"
HELLO = b"\x16\x03\x01\x00\x2a\x01\x00\x00\x26" + b"\x03\x03" + b"\x00" * 36
SERVER_FLIGHT = b"\x16\x03\x03\x00\x2a\x02\x00\x00\x26" + b"\x03\x03" + b"\x00" * 36


def capture(
    records: list[PacketRecord],
    *,
    dns_messages: tuple[DnsMessage, ...] = (),
    icmp: tuple[IcmpNote, ...] = (),
) -> PassiveCapture:
    analyser = TcpAnalyser()
    analyser.add(segments_from_records(sorted(records, key=lambda r: r.number)))
    return PassiveCapture(
        name="scripted.pcap",
        conversations=tuple(analyser.conversations()),
        dns=dns_messages,
        icmp=icmp,
    )


def findings(
    records: list[PacketRecord], **kw: tuple[DnsMessage, ...] | tuple[IcmpNote, ...]
) -> tuple[Finding, ...]:
    found = wire_findings(capture(records, **kw))  # type: ignore[arg-type]
    assert all(f.id in CATALOGUE and f.wizard == "analyze" for f in found)
    return found


def ids(found: tuple[Finding, ...]) -> list[str]:
    return [f.id for f in found]


def with_macs(records: list[PacketRecord], gateway: str = F5_MAC) -> list[PacketRecord]:
    """Ethernet addresses as a capture on the client sees them (remote hosts via gateway)."""
    out = []
    for r in records:
        outbound = r.src.startswith("198.18.")
        out.append(
            dataclasses.replace(
                r,
                src_mac=CLIENT_MAC if outbound else gateway,
                dst_mac=gateway if outbound else CLIENT_MAC,
            )
        )
    return out


def tls_connection(
    *, rtt: float, port: int, start: float, first: int, server: str = SERVER, **kw: int
) -> Wire:
    wire = Wire(client=(CLIENT, port), server=(server, 443), start=start, first_number=first)
    wire.handshake(rtt=rtt)
    wire.send("client", HELLO)
    wire.wait(rtt)
    wire.send("server", SERVER_FLIGHT)
    wire.ack("client")
    return wire


# -- impossible handshake timing -----------------------------------------------------------


def test_handshake_faster_than_other_handshakes_to_the_same_server() -> None:
    honest = tls_connection(rtt=0.100, port=50001, start=T0, first=1)
    fast = tls_connection(rtt=0.0003, port=50002, start=T0 + 5, first=honest.number)
    found = findings(honest.packets + fast.packets)
    (intercept,) = [f for f in found if f.id == "path.tcp_intercepted"]
    assert intercept.target == f"{SERVER}:443" and intercept.severity is Severity.PROBLEM
    assert intercept.values["evidence_kinds"] == ["other-handshake"]
    assert intercept.values["handshake_rtt_ms"] == pytest.approx(0.4, abs=0.01)
    assert intercept.values["path_rtt_ms"] == pytest.approx(100.1, abs=0.01)
    # the fast SYN/SYN-ACK and the honest SYN/SYN-ACK are cited
    assert set(intercept.packets) >= {fast.packets[0].number, fast.packets[1].number, 1, 2}


def test_similar_handshakes_prove_nothing() -> None:
    one = tls_connection(rtt=0.004, port=50001, start=T0, first=1)
    two = tls_connection(rtt=0.005, port=50002, start=T0 + 5, first=one.number)
    assert "path.tcp_intercepted" not in ids(findings(one.packets + two.packets))


def test_icmp_echo_shows_the_path() -> None:
    fast = tls_connection(rtt=0.0004, port=50002, start=T0, first=3)
    echo = (
        IcmpNote(number=1, time=T0 - 2, src=CLIENT, dst=SERVER, icmp_type=8, icmp_code=0, version=4, ttl=64, ident=0x10001),
        IcmpNote(number=2, time=T0 - 1.9, src=SERVER, dst=CLIENT, icmp_type=0, icmp_code=0, version=4, ttl=52, ident=0x10001),
    )  # fmt: skip
    (intercept,) = [f for f in findings(fast.packets, icmp=echo) if f.id == "path.tcp_intercepted"]
    assert intercept.values["evidence_kinds"] == ["icmp-echo"]
    assert {1, 2} <= set(intercept.packets)


def test_syn_ack_that_crossed_no_router_although_the_gateway_routes() -> None:
    others = []
    number = 1
    for i, server in enumerate(("100.64.2.1", "100.64.2.2", "100.64.2.3")):
        wire = tls_connection(rtt=0.02, port=50010 + i, start=T0 + i, first=number, server=server)
        others += wire.packets
        number = wire.number
    local = Wire(client=(CLIENT, 50099), server=(SERVER, 443), start=T0 + 10, first_number=number)
    local.sides["server"].ttl = 64  # the router itself: no hop on the way
    local.handshake(rtt=0.0004)
    local.send("client", HELLO)
    found = findings(with_macs(others + local.packets, gateway="52:54:00:aa:bb:cc"))
    (intercept,) = [f for f in found if f.id == "path.tcp_intercepted"]
    assert intercept.values["evidence_kinds"] == ["zero-hop"]
    assert "52:54:00:aa:bb:cc" in intercept.evidence[1].text


def test_syn_ack_from_a_nearer_device_than_the_servers_data() -> None:
    wire = Wire(client=(CLIENT, 50001), server=(SERVER, 443), start=T0)
    wire.emit("client", flags=SYN, mss=1460)
    wire.sides["client"].nxt += 1
    wire.sides["server"].rcv = wire.sides["client"].nxt
    wire.wait(0.0005)
    wire.emit("server", flags=SYN | ACK, ttl=63)  # the optimiser, one hop away
    wire.sides["server"].nxt += 1
    wire.sides["client"].rcv = wire.sides["server"].nxt
    wire.ack("client")
    wire.send("client", HELLO)
    wire.wait(0.120)
    wire.send("server", SERVER_FLIGHT)  # the real server: TTL 52
    (intercept,) = [f for f in findings(wire.packets) if f.id == "path.tcp_intercepted"]
    assert intercept.values["evidence_kinds"] == ["hop-count"]


# -- plaintext in TLS -----------------------------------------------------------------------


def bodega_like(*, start: float = T0, first: int = 1, port: int = 50123) -> Wire:
    """Seed 001's trace: instant handshake and ACK, plaintext HTTP 3.2 s later, FINs."""
    wire = Wire(client=(CLIENT, port), server=(SERVER, 443), start=start, first_number=first)
    wire.handshake(rtt=0.0003)
    wire.send("client", HELLO)
    wire.ack("server")
    wire.wait(3.2)
    wire.send(
        "server",
        b"HTTP/1.0 200 OK\r\nCache-Control: no-store\r\n"
        b"X-Bypass-Cache: Application and Content Networking System Software 5.5.17\r\n"
        b"Connection: Close\r\n\r\n<meta http-equiv=refresh content=0>",
    )
    wire.fin("client")
    wire.fin("server")
    wire.ack("client")
    return wire


def test_plaintext_in_a_tls_stream() -> None:
    wire = bodega_like()
    found = findings(wire.packets)
    (plain,) = [f for f in found if f.id == "tls.plaintext_injected"]
    assert plain.target == f"{SERVER}:443" and plain.severity is Severity.PROBLEM
    assert plain.values["first_line"] == "HTTP/1.0 200 OK"
    assert plain.values["seconds_after_client_hello"] == pytest.approx(3.2, abs=0.01)
    assert "X-Bypass-Cache" in plain.engineer_text
    assert plain.evidence[0].packets == (4, 6)  # the ClientHello and the injected answer
    # one connection only: nothing else in this capture measures the path
    assert "path.tcp_intercepted" not in ids(found)


def test_bodega_beside_an_honest_load_of_the_same_site() -> None:
    honest = tls_connection(rtt=0.095, port=50100, start=T0, first=1)
    bad = bodega_like(start=T0 + 10, first=honest.number)
    found = findings(honest.packets + bad.packets)
    assert ids(found)[:2] == ["path.tcp_intercepted", "tls.plaintext_injected"]


def test_plain_http_and_honest_tls_are_not_injection() -> None:
    http = Wire(client=(CLIENT, 50001), server=(SERVER, 80)).handshake()
    http.send("client", b"GET / HTTP/1.1\r\n\r\n")
    http.send("server", b"HTTP/1.1 200 OK\r\n\r\nhello")
    honest = tls_connection(rtt=0.02, port=50002, start=T0 + 1, first=http.number)
    assert findings(http.packets + honest.packets) == ()


# -- resets and silence after the ClientHello ---------------------------------------------


def reset_after_hello(*, seconds: float, rst_ttl: int = 52) -> Wire:
    wire = Wire(client=(CLIENT, 50200), server=(SERVER, 443), start=T0)
    wire.handshake(rtt=0.05)
    wire.send("client", HELLO)
    wire.ack("server")
    wire.wait(seconds)
    wire.rst("server", ttl=rst_ttl)
    return wire


def test_reset_after_client_hello_names_the_box() -> None:
    found = findings(with_macs(reset_after_hello(seconds=3.0).packets))
    (reset,) = [f for f in found if f.id == "tls.reset_after_client_hello"]
    assert reset.values["seconds"] == pytest.approx(3.0, abs=0.01)
    assert reset.values["vendor"] == "F5 Networks, Inc."
    assert reset.values["ttl"] == 52 and reset.values["server_ttls"] == [52]
    assert "F5 Networks" in reset.engineer_text


def test_reset_with_another_ttl_was_sent_by_another_device() -> None:
    (reset,) = [
        f for f in findings(reset_after_hello(seconds=1.0, rst_ttl=250).packets)
        if f.id == "tls.reset_after_client_hello"
    ]  # fmt: skip
    assert "another device sent it" in reset.engineer_text


def test_reset_after_the_server_hello_or_from_the_client_is_not_that() -> None:
    answered = tls_connection(rtt=0.02, port=50300, start=T0, first=1)
    answered.wait(1)
    answered.rst("server")
    client_gave_up = Wire(
        client=(CLIENT, 50301), server=(SERVER, 443), start=T0 + 5, first_number=answered.number
    )
    client_gave_up.handshake()
    client_gave_up.send("client", HELLO)
    client_gave_up.wait(1)
    client_gave_up.rst("client")
    found = ids(findings(answered.packets + client_gave_up.packets))
    assert "tls.reset_after_client_hello" not in found


def hello_never_answered() -> Wire:
    """A ClientHello the server acknowledged and never answered: the client closed 10 s on."""
    wire = Wire(client=(CLIENT, 50400), server=(SERVER, 443), start=T0)
    wire.handshake()
    wire.send("client", HELLO)
    wire.ack("server")
    wire.wait(10)
    wire.fin("client")
    return wire


def test_client_hello_acknowledged_and_never_answered() -> None:
    found = findings(hello_never_answered().packets)
    (silent,) = [f for f in found if f.id == "tls.no_server_hello"]
    assert silent.values["waited"] == pytest.approx(10.0, abs=0.01)


# -- large packets, DSCP ---------------------------------------------------------------------


def c1_like(
    *,
    lose_large: bool = True,
    client_mss: int = 1460,
    port: int = 50500,
    start: float = T0,
    first: int = 1,
) -> Wire:
    """C1: an EF-marked server whose large segments are dropped; small ones pass."""
    wire = Wire(client=(CLIENT, port), server=(SERVER, 443), start=start, first_number=first)
    wire.sides["server"].dscp = 46
    wire.handshake(client_mss=client_mss)
    wire.send("client", HELLO)
    wire.ack("server")
    flight = b"\x16\x03\x03" + (3100 - 5).to_bytes(2, "big") + b"S" * (3100 - 5)
    for start in (0, 1400):
        wire.send("server", flight[start : start + 1400], lost=lose_large)
    wire.send("server", flight[2800:])  # the small tail of the flight gets through
    for _ in range(3):
        wire.ack("client")  # duplicate ACKs: the large ones are missing
    for offset in (0, 1400):
        wire.resend("server", offset, lost=lose_large)  # the retransmissions are lost too
    wire.wait(5)
    wire.rst("client")
    return wire


def test_large_segments_lost_small_ones_pass_and_the_server_marks_ef() -> None:
    found = findings(c1_like().packets)
    assert ids(found)[:2] == ["path.large_packet_loss", "path.dscp_marked"]
    loss, dscp = found[0], found[1]
    assert loss.values["missing_bytes"] == 2800 and loss.values["largest_segment_received"] == 300
    assert dscp.severity is Severity.PROBLEM and dscp.values["dscp"] == 46 and dscp.values["lost"]


def test_small_mss_connection_to_the_same_server_is_quoted() -> None:
    stalled = c1_like()
    small = Wire(
        client=(CLIENT, 50600), server=(SERVER, 443), start=T0 + 20, first_number=stalled.number
    )
    small.sides["server"].dscp = 46
    small.handshake(client_mss=536)
    small.send("client", HELLO)
    for _ in range(6):
        small.send("server", b"s" * 536)
    small.ack("client")
    (loss,) = [
        f for f in findings(stalled.packets + small.packets) if f.id == "path.large_packet_loss"
    ]
    assert loss.values["small_mss_ok"] is True and loss.values["small_mss"] == 536


def test_marked_server_without_loss_is_a_warning_and_filled_holes_are_no_loss() -> None:
    wire = c1_like(lose_large=False)
    found = findings(wire.packets)
    assert ids(found) == ["path.dscp_marked"] and found[0].severity is Severity.WARNING


# -- DNS -------------------------------------------------------------------------------------


def dns_pair(
    name: str, rcode: int, addresses: list[str], number: int
) -> tuple[DnsMessage, DnsMessage]:
    query = dns.message.make_query(name, "A")
    answer = dns.message.make_response(query)
    answer.set_rcode(rcode)
    if addresses:
        answer.answer.append(dns.rrset.from_text(name, 300, "IN", "A", *addresses))
    return (
        DnsMessage(number=number, time=T0, src=CLIENT, dst="198.18.0.53", payload=query.to_wire()),
        DnsMessage(
            number=number + 1,
            time=T0 + 0.01,
            src="198.18.0.53",
            dst=CLIENT,
            payload=answer.to_wire(),
        ),
    )


def test_nxdomain_with_addresses_and_random_probe_names() -> None:
    messages = (
        *dns_pair("www.example.test.", 0, ["198.19.0.10"], 1),
        *dns_pair("nonexistent.example.", 3, ["100.64.9.9"], 3),  # NXDOMAIN, yet an address
        *dns_pair("qwhzkpxlvr.", 0, ["100.64.9.9"], 5),  # a browser's random probe
        *dns_pair("gone.example.", 3, [], 7),  # an honest NXDOMAIN
    )
    (rewrite,) = findings([], dns_messages=messages)
    assert rewrite.id == "dns.nxdomain_rewritten" and rewrite.target == "198.18.0.53"
    assert rewrite.values["names"] == ["nonexistent.example.", "qwhzkpxlvr."]
    assert rewrite.evidence[0].packets == (3, 4)


def test_garbage_on_port_53_is_skipped() -> None:
    junk = (DnsMessage(number=1, time=T0, src="198.18.0.53", dst=CLIENT, payload=b"\x00\x01junk"),)
    assert findings([], dns_messages=junk) == ()


# -- held requests ---------------------------------------------------------------------------


def held(port: int, start: float, first: int, hold: float) -> Wire:
    wire = Wire(client=(CLIENT, port), server=(SERVER, 80), start=start, first_number=first)
    wire.handshake(rtt=0.03)
    wire.wait(hold)
    wire.send("client", b"GET / HTTP/1.1\r\nHost: news.example\r\n\r\n")
    wire.wait(0.03)
    wire.send("server", b"HTTP/1.1 200 OK\r\n\r\n")
    return wire


def test_requests_held_five_seconds_while_syns_go_unanswered() -> None:
    one = held(50700, T0, 1, 5.0)
    agent = Wire(
        client=(CLIENT, 50800), server=("100.64.1.74", 5274), start=T0 + 1, first_number=one.number
    )
    agent.emit("client", flags=SYN, mss=1460)
    two = held(50701, T0 + 20, agent.number, 5.02)
    (hold,) = [
        f
        for f in findings(one.packets + agent.packets + two.packets)
        if f.id == "local.request_held"
    ]
    assert hold.severity is Severity.WARNING and hold.values["concluded"] is False
    assert hold.values["round_number"] and hold.values["unanswered"] == ["100.64.1.74:5274"]
    assert hold.values["seconds"] == pytest.approx(5.0, abs=0.05)
    assert "cannot tell" in hold.engineer_text


def test_one_late_request_is_not_a_pattern() -> None:
    assert "local.request_held" not in ids(findings(held(50700, T0, 1, 2.7).packets))


# -- the gateway ---------------------------------------------------------------------------


def test_gateway_vendor_from_the_next_hop_of_several_servers() -> None:
    records = []
    number = 1
    for i in range(3):
        wire = tls_connection(
            rtt=0.02, port=51000 + i, start=T0 + i, first=number, server=f"100.64.3.{i + 1}"
        )
        records += wire.packets
        number = wire.number
    (gateway,) = findings(with_macs(records))
    assert gateway.id == "net.gateway_vendor" and gateway.values["vendor"] == "F5 Networks, Inc."
    assert gateway.severity is Severity.INFO
