"""tcp.connection_refused and tcp.no_answer on scripted exchanges, from a run's packets and
from a capture file alike."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.analysis.both_ways import CLIENT, T0, findings_both_ways, icmp_error, ids, only
from tests.analysis.scripted import Wire
from tests.diagnosis.recordings import run_of, wire_findings
from wiresleuth.analysis.passive_records import passive_capture
from wiresleuth.diagnosis.diagnose import diagnose
from wiresleuth.model.finding import Severity
from wiresleuth.model.packet import ACK, SYN, PacketRecord

SERVER = "100.64.1.20"


def refused(port: int, *, at: float, first: int, server_port: int = 8080) -> Wire:
    wire = Wire(client=(CLIENT, port), server=(SERVER, server_port), start=at, first_number=first)
    wire.emit("client", flags=SYN)
    wire.sides["client"].nxt += 1
    wire.sides["server"].rcv = wire.sides["client"].nxt
    wire.wait(0.05)
    wire.rst("server", ttl=60)
    return wire


def unanswered(
    port: int, *, at: float, first: int, retries: tuple[float, ...] = (1.0, 2.0)
) -> Wire:
    wire = Wire(client=(CLIENT, port), server=(SERVER, 443), start=at, first_number=first)
    wire.emit("client", flags=SYN)
    for wait in retries:
        wire.wait(wait)
        wire.emit("client", flags=SYN)
    return wire


def answered(port: int, *, at: float, first: int, server_port: int = 443) -> Wire:
    wire = Wire(client=(CLIENT, port), server=(SERVER, server_port), start=at, first_number=first)
    wire.handshake()
    wire.send("client", b"GET / HTTP/1.1\r\n\r\n")
    wire.send("server", b"HTTP/1.1 200 OK\r\n\r\n")
    return wire


def test_a_syn_answered_by_a_reset_is_refused(tmp_path: Path) -> None:
    wire = refused(50000, at=T0, first=1)
    found = findings_both_ways(wire.packets, tmp_path)
    finding = only(found, "tcp.connection_refused")
    assert finding.target == f"{SERVER}:8080" and finding.severity is Severity.WARNING
    assert finding.packets == (1, 2) and finding.values["seconds"] == pytest.approx(0.05, abs=0.001)


def test_a_refusal_the_next_attempt_made_good_and_a_port_scan_stay_quiet(tmp_path: Path) -> None:
    first = refused(50000, at=T0, first=1)
    later = answered(50001, at=T0 + 2, first=first.number, server_port=8080)
    assert "tcp.connection_refused" not in ids(
        findings_both_ways(first.packets + later.packets, tmp_path)
    )
    scan: list[PacketRecord] = []
    number = 1
    for port in range(20, 32):
        wire = refused(51000 + port, at=T0 + port * 0.01, first=number, server_port=port)
        scan += wire.packets
        number = wire.number
    assert findings_both_ways(scan, tmp_path) == ()


def test_syns_retried_without_any_answer(tmp_path: Path) -> None:
    first = unanswered(50100, at=T0, first=1)
    second = unanswered(50101, at=T0 + 10, first=first.number, retries=(1.0, 2.0, 4.0))
    finding = only(findings_both_ways(first.packets + second.packets, tmp_path), "tcp.no_answer")
    assert finding.target == f"{SERVER}:443"
    assert finding.values["connections"] == 2 and finding.values["syns"] == 7
    assert finding.values["seconds"] == 17.0 and finding.values["tried_s"] == 7.0
    assert finding.values["icmp"] == []


def test_one_syn_is_no_proof_but_an_icmp_error_about_it_is(tmp_path: Path) -> None:
    wire = unanswered(50200, at=T0, first=1, retries=())
    assert findings_both_ways(wire.packets, tmp_path) == ()
    error = icmp_error(2, T0 + 0.02, wire.packets[0], router="198.18.0.1")
    finding = only(findings_both_ways([*wire.packets, error], tmp_path), "tcp.no_answer")
    assert finding.values["icmp"] == ["host unreachable"] and 2 in finding.packets


def test_syns_answered_after_a_retry_are_not_unanswered(tmp_path: Path) -> None:
    wire = unanswered(50300, at=T0, first=1, retries=(1.0,))
    wire.wait(0.05)
    wire.sides["client"].nxt += 1
    wire.sides["server"].rcv = wire.sides["client"].nxt
    wire.emit("server", flags=SYN | ACK)
    assert "tcp.no_answer" not in ids(findings_both_ways(wire.packets, tmp_path))


def test_a_run_leaves_connection_attempts_to_its_wizards() -> None:
    wire = refused(50000, at=T0, first=1)
    assert ids(wire_findings(passive_capture(wire.packets))) == ["tcp.connection_refused"]
    assert diagnose(run_of({}, wire.packets)).findings == ()  # a run provokes them
