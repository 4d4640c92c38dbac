"""tcp.zero_window, tcp.unacknowledged and the window-full check, on scripted exchanges."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from tests.analysis.both_ways import CLIENT, T0, findings_both_ways, ids, only
from tests.analysis.scripted import Wire
from tests.analysis.test_passive_findings import c1_like
from wiresleuth.model.finding import Severity
from wiresleuth.model.packet import RST

PRINTER = "100.64.1.30"


def download(*, closed_for: float | None, reopen: bool = True, start: float = T0) -> Wire:
    """A client downloading; its window closes for ``closed_for`` seconds (None: never)."""
    wire = Wire(client=(CLIENT, 50400), server=("100.64.1.40", 80), start=start)
    wire.handshake()
    wire.send("client", b"GET /big HTTP/1.1\r\n\r\n")
    for _ in range(4):
        wire.send("server", b"d" * 1400)
    wire.ack("client", window=0)  # the program stopped reading
    if closed_for is None:
        return wire
    for _ in range(3):
        wire.wait(closed_for / 3)
        if wire.time - wire.packets[-1].time < closed_for:
            wire.emit("server", flags=0x10, seq=wire.sides["server"].nxt - 1, payload=b"d")  # probe
    if reopen:
        wire.ack("client", window=64240)
        wire.send("server", b"d" * 1400)
    return wire


def test_a_window_closed_for_seconds_stalled_the_receiver(tmp_path: Path) -> None:
    finding = only(
        findings_both_ways(download(closed_for=3.0).packets, tmp_path), "tcp.zero_window"
    )
    assert finding.values["receiver"] == CLIENT and finding.values["reopened"] is True
    assert finding.values["seconds"] == pytest.approx(3.0, abs=0.01)
    assert finding.severity is Severity.WARNING


def test_a_shorter_stall_is_info_and_one_of_milliseconds_is_not_reported(tmp_path: Path) -> None:
    short = only(findings_both_ways(download(closed_for=0.9).packets, tmp_path), "tcp.zero_window")
    assert short.severity is Severity.INFO
    assert "tcp.zero_window" not in ids(
        findings_both_ways(download(closed_for=0.02).packets, tmp_path)
    )


def test_a_window_that_never_opens_again(tmp_path: Path) -> None:
    wire = download(closed_for=None)
    wire.wait(6)
    wire.fin("server")
    finding = only(findings_both_ways(wire.packets, tmp_path), "tcp.zero_window")
    assert finding.values["reopened"] is False and finding.severity is Severity.WARNING


def printer(*, window_after: int = 1092, backoff: tuple[float, ...] = (0.3, 0.6, 1.2, 2.4)) -> Wire:
    """A print job: the printer's window shrinks, then it stops acknowledging (sender side)."""
    wire = Wire(client=(CLIENT, 50500), server=(PRINTER, 9100))
    wire.handshake(server_mss=1460)
    for window in (8760, 4380, window_after):
        wire.send("client", b"P" * 1460)
        wire.wait(0.002)
        wire.ack("server", window=window)
    offset = (wire.sides["client"].nxt - wire.sides["client"].isn - 1) % (1 << 32)
    wire.send("client", b"J" * window_after)  # fills the window; never acknowledged
    for wait in backoff:
        wire.wait(wait)
        wire.resend("client", offset, lost=False)
    return wire


def test_a_printer_whose_window_shrank_is_stuck_not_path_loss(tmp_path: Path) -> None:
    found = findings_both_ways(printer().packets, tmp_path)
    assert "path.large_packet_loss" not in ids(found)
    stuck = only(found, "tcp.unacknowledged")
    assert stuck.values["receiver"] == PRINTER and stuck.values["window_full"] is True
    assert stuck.values["resends"] == 4 and stuck.values["last_window"] == 1092
    assert stuck.severity is Severity.PROBLEM and "stopped taking data" in stuck.engineer_text


def test_one_fast_retransmission_that_is_acknowledged_is_ordinary(tmp_path: Path) -> None:
    wire = Wire(client=(CLIENT, 50600), server=(PRINTER, 443))
    wire.handshake()
    wire.send("client", b"x" * 1400)
    wire.wait(0.2)
    wire.resend("client", 0)
    wire.ack("server")
    assert findings_both_ways(wire.packets, tmp_path) == ()


def test_resends_without_back_off_are_not_the_stall_pattern(tmp_path: Path) -> None:
    wire = printer(backoff=(0.5, 0.5, 0.5, 0.5))
    assert "tcp.unacknowledged" not in ids(findings_both_ways(wire.packets, tmp_path))


def test_a_receivers_reset_with_a_zero_window_does_not_hide_large_packet_loss(
    tmp_path: Path,
) -> None:
    wire = c1_like()
    *before, rst = wire.packets
    assert rst.tcp_flags & RST
    found = findings_both_ways([*before, dataclasses.replace(rst, window=0)], tmp_path)
    assert "path.large_packet_loss" in ids(found)
