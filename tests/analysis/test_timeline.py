"""connection_timeline on scripted exchanges carrying real TLS bytes (and what breaks them)."""

from __future__ import annotations

import ssl

from tests.analysis.scripted import Wire, icmp_frag_needed, send_all
from tests.analysis.tls_bytes import exchange
from wiresleuth.analysis.flows import assemble_flows
from wiresleuth.analysis.timeline import build_timelines, connection_timeline
from wiresleuth.model.timeline import Connection, TimelineEvent


def kinds(connection: Connection) -> list[str]:
    return [e.kind for e in connection.events]


def only(connection: Connection, kind: str) -> TimelineEvent:
    (event,) = [e for e in connection.events if e.kind == kind]
    return event


def tls_over_wire(version: ssl.TLSVersion, wire: Wire) -> dict[str, list[list[int]]]:
    """Send each TLS flight as segments; the packet numbers of each flight, per side."""
    sent: dict[str, list[list[int]]] = {"client": [], "server": []}
    for side, data in exchange(version).flights:
        wire.wait(0.02)
        sent[side].append([p.number for p in send_all(wire, side, data)])
    return sent


def test_tls12_connection_story() -> None:
    wire = Wire().handshake(rtt=0.1)
    sent = tls_over_wire(ssl.TLSVersion.TLSv1_2, wire)
    wire.fin("client")
    wire.fin("server")
    (conn,) = build_timelines(assemble_flows(wire.packets))
    assert kinds(conn)[:3] == ["syn", "syn-ack", "ack"]
    assert kinds(conn)[-2:] == ["fin", "fin"]
    hello = only(conn, "client-hello")
    assert hello.packet == sent["client"][0][0] and hello.direction == "out"
    assert hello.detail == "SNI www.example.test"
    server_hello = only(conn, "server-hello")
    assert server_hello.packet == sent["server"][0][0] and server_hello.direction == "in"
    assert server_hello.detail == "TLS 1.2"
    certificate = only(conn, "certificate")
    assert certificate.packet == sent["server"][0][0]  # starts in the first 1400 bytes
    assert certificate.detail == "2 certificates"
    assert [e.direction for e in conn.events if e.kind == "change-cipher-spec"] == ["out", "in"]
    first_data = [e for e in conn.events if e.kind == "first-data"]
    assert [(e.direction, e.packet) for e in first_data] == [
        ("out", sent["client"][2][0]),
        ("in", sent["server"][2][0]),
    ]
    assert "retransmission" not in kinds(conn) and "alert" not in kinds(conn)
    assert [e.time for e in conn.events] == sorted(e.time for e in conn.events)
    assert conn.packets == tuple(p.number for p in wire.packets)
    assert conn.start == wire.packets[0].time and conn.end == wire.packets[-1].time
    assert only(conn, "syn-ack").detail.startswith("100.1 ms after SYN, MSS 1400")


def test_tls13_first_data_skips_the_encrypted_finished() -> None:
    wire = Wire().handshake()
    sent = tls_over_wire(ssl.TLSVersion.TLSv1_3, wire)
    conn = connection_timeline(assemble_flows(wire.packets)[0], label="TLS 1.3")
    assert conn.label == "TLS 1.3"
    assert only(conn, "server-hello").detail == "TLS 1.3"
    out = [e for e in conn.events if e.kind == "first-data" and e.direction == "out"]
    # Client flights: ClientHello, then CCS+Finished, then the request.
    assert [e.packet for e in out] == [sent["client"][2][0]]
    inbound = [e for e in conn.events if e.kind == "first-data" and e.direction == "in"]
    assert [e.packet for e in inbound] == [sent["server"][-1][0]]


def test_rst_after_client_hello() -> None:
    wire = Wire().handshake()
    hello = send_all(wire, "client", exchange().stream("client")[:205])
    wire.ack("server")
    wire.wait(3.0)
    reset = wire.rst("server", ttl=64)
    conn = connection_timeline(assemble_flows(wire.packets)[0])
    assert kinds(conn) == ["syn", "syn-ack", "ack", "client-hello", "rst"]
    rst = only(conn, "rst")
    assert reset is not None and rst.packet == reset.number and rst.direction == "in"
    assert rst.ttl == 64
    assert rst.detail == "from the server's address, TTL 64 (its other packets: TTL 52)"
    assert rst.time - only(conn, "client-hello").time >= 3.0
    assert only(conn, "client-hello").packet == hello[0].number


def test_injected_plaintext_in_a_tls_connection() -> None:
    wire = Wire().handshake(rtt=0.0003)
    send_all(wire, "client", exchange().stream("client")[:205])
    wire.ack("server")
    wire.wait(3.2)
    injected = wire.send(
        "server",
        b"HTTP/1.0 200 OK\r\n"
        b"X-Bypass-Cache: Application and Content Networking System Software\r\n",
    )
    wire.fin("server")
    conn = connection_timeline(assemble_flows(wire.packets)[0])
    data = only(conn, "data")
    assert injected is not None and data.packet == injected.number and data.direction == "in"
    assert data.detail == "not TLS at byte 0: HTTP/1.0 200 OK"
    server_first = [e for e in conn.events if e.kind == "first-data"]
    assert [(e.direction, e.packet) for e in server_first] == [("in", injected.number)]
    assert "client-hello" in kinds(conn)


def test_plain_http_gets_tcp_events_and_first_data() -> None:
    wire = Wire(server=("198.19.0.10", 80)).handshake()
    wire.wait(5.0)  # the request leaves late (a local hold)
    request = wire.send("client", b"GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n")
    response = wire.send("server", b"HTTP/1.1 200 OK\r\n\r\n")
    conn = connection_timeline(assemble_flows(wire.packets)[0])
    assert kinds(conn) == ["syn", "syn-ack", "ack", "first-data", "first-data"]
    out, inbound = (e for e in conn.events if e.kind == "first-data")
    assert request is not None and response is not None
    assert (out.packet, out.direction) == (request.number, "out")
    assert out.detail == "bytes 0:37: GET /index.html HTTP/1.1"
    assert (inbound.packet, inbound.direction) == (response.number, "in")
    assert out.time - only(conn, "ack").time >= 5.0


def test_large_marked_segments_lost() -> None:
    wire = Wire()
    wire.sides["server"].dscp = 46
    wire.handshake()
    ex = exchange()
    send_all(wire, "client", ex.stream("client")[:205])
    wire.ack("server")
    answer = ex.stream("server")
    wire.send("server", answer[:1400], lost=True)
    later = wire.send("server", answer[1400:2000])
    duplicates = [wire.ack("client"), wire.ack("client")]
    wire.wait(1.0)
    fill = wire.resend("server", 0)
    conn = connection_timeline(assemble_flows(wire.packets)[0])
    assert only(conn, "syn-ack").dscp == 46
    assert "DSCP EF" in only(conn, "syn-ack").detail
    ooo = only(conn, "out-of-order")
    assert fill is not None and ooo.packet == fill.number and ooo.detail == "bytes 0:1400"
    assert ooo.dscp == 46 and ooo.length == 20 + 20 + 1400 and ooo.direction == "in"
    dup = [e for e in conn.events if e.kind == "dup-ack"]
    assert [e.packet for e in dup] == [p.number for p in duplicates if p]
    assert all(e.direction == "out" for e in dup)
    # Once the hole is filled the ServerHello shows, at the time of the late packet.
    assert only(conn, "server-hello").packet == ooo.packet
    assert later is not None and "data" not in kinds(conn)


def test_retransmitted_syn_and_icmp_error() -> None:
    wire = Wire()
    wire.emit("client", flags=2)
    wire.wait(1.0)
    wire.handshake()
    big = wire.send("client", b"Z" * 1400)
    assert big is not None
    error = icmp_frag_needed(big, router="198.18.0.1", mtu=1280, number=wire.number, time=wire.time)
    conn = connection_timeline(assemble_flows([*wire.packets, error])[0])
    assert kinds(conn)[:2] == ["syn", "retransmission"]
    assert conn.events[1].detail == "SYN sent again"
    icmp = only(conn, "icmp")
    assert icmp.packet == error.number
    assert icmp.detail == "fragmentation needed, next-hop MTU 1280 from 198.18.0.1"
    assert error.number in conn.packets


def test_fatal_alert_event() -> None:
    wire = Wire().handshake()
    ex = exchange(ssl.TLSVersion.TLSv1_3, server_version=ssl.TLSVersion.TLSv1_2)
    for side, data in ex.flights:
        send_all(wire, side, data)
    conn = connection_timeline(assemble_flows(wire.packets)[0])
    alert = only(conn, "alert")
    assert alert.direction == "in" and alert.detail == "fatal: protocol_version"
    assert "first-data" not in kinds(conn)


def test_empty_connection_has_no_data_events() -> None:
    wire = Wire().handshake()
    conn = connection_timeline(assemble_flows(wire.packets)[0])
    assert kinds(conn) == ["syn", "syn-ack", "ack"]
    assert conn.id == "198.18.0.2:50123->198.19.0.10:443"


def test_a_flood_of_resets_makes_a_timeline() -> None:
    """Each reset used to scan its whole stream for TTLs: a 4 MB capture of 30 000 resets
    (a fuzz case, issue 20) kept `analyze --out` busy for minutes; 60 000 here took hours."""
    wire = Wire().handshake()
    for _ in range(60_000):
        wire.rst("server", ttl=64)
    conn = connection_timeline(assemble_flows(wire.packets)[0])
    resets = [e for e in conn.events if e.kind == "rst"]
    assert len(resets) == 60_000
    assert resets[-1].detail == "from the server's address, TTL 64 (its other packets: TTL 52)"
