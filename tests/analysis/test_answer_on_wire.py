"""The answer to an exchange seen arriving on the wire, on scripted connections."""

from __future__ import annotations

from tests.analysis.scripted import Wire
from wiresleuth.analysis.answer_on_wire import LateRead, answer_arrived, exchange_flow, late_read
from wiresleuth.analysis.flows import TcpFlow, assemble_flows
from wiresleuth.model.observations import ConnectObservation

PROXY, T0 = "198.18.2.10", 1_700_000_000.0


def connect(port: int | None) -> ConnectObservation:
    return ConnectObservation(address=PROXY, port=3128, started_at=T0, local_port=port)


def tunnel(*, lost: bool = False) -> Wire:
    """CONNECT through the proxy, its 39-byte answer, a ClientHello, the server's flight."""
    wire = Wire(client=("198.18.1.10", 40001), server=(PROXY, 3128), start=T0)
    wire.handshake(rtt=0.001, server_mss=1460)
    wire.send("client", b"C" * 137)
    wire.send("server", b"H" * 39)
    wire.send("client", b"\x16" * 517)
    wire.wait(0.2)
    wire.send("server", b"\x16" * 975, lost=lost)
    return wire


def test_the_exchange_is_found_by_its_local_port_only() -> None:
    other = Wire(client=("198.18.1.10", 40002), server=(PROXY, 3128), start=T0)
    other.handshake()
    flows = assemble_flows([*tunnel().packets, *other.packets])
    found = exchange_flow(connect(40002), flows)
    assert found is not None and found.client_port == 40002
    assert exchange_flow(connect(40003), flows) is None
    assert exchange_flow(connect(None), flows) is None


def test_the_answer_past_the_proxys_connect_answer_and_before_the_end() -> None:
    flow = exchange_flow(connect(40001), assemble_flows(tunnel().packets))
    tls_at = answer_arrived(flow, skip=39, before=T0 + 6)
    assert tls_at is not None and tls_at > T0 + 0.2
    assert answer_arrived(flow, skip=39, before=T0 + 0.1) is None  # it came after the end
    assert answer_arrived(flow, before=T0 + 0.1) is not None  # the proxy's own answer did


def test_no_answer_when_the_flight_never_arrived_or_nothing_was_captured() -> None:
    flow = exchange_flow(connect(40001), assemble_flows(tunnel(lost=True).packets))
    assert answer_arrived(flow, skip=39, before=T0 + 6) is None
    assert answer_arrived(None, before=T0 + 6) is None


def test_a_late_read_is_the_answer_on_the_wire_or_left_in_the_socket() -> None:
    flow = exchange_flow(connect(40001), assemble_flows(tunnel().packets))
    late = late_read(
        flow, target="t:443", exchange="the handshake", started=T0, ended=T0 + 7, offset=39
    )
    assert late is not None and late.unread_bytes == 0
    assert late.arrived_after is not None and 0.2 < late.arrived_after < 1
    assert flow is not None and late.packets == (flow.server_stream.packet_at(39).number,)
    assert "arriving after" in late.detail and "frame" in late.detail
    socket_only = late_read(
        None, target="t:443", exchange="the handshake", started=T0, ended=T0 + 7, unread_bytes=975
    )
    assert socket_only is not None and socket_only.arrived_after is None
    assert socket_only.packets == () and "975 unread bytes" in socket_only.detail


def test_no_late_read_when_neither_the_wire_nor_the_socket_held_more_than_was_read() -> None:
    lost = exchange_flow(connect(40001), assemble_flows(tunnel(lost=True).packets))
    whole = exchange_flow(connect(40001), assemble_flows(tunnel().packets))

    def late(flow: TcpFlow | None, offset: int = 0, ended: float = T0 + 7) -> LateRead | None:
        return late_read(
            flow, target="t:443", exchange="x", started=T0, ended=ended, offset=offset
        )

    assert late(lost, 39) is None  # the flight never came
    assert late(whole, 39 + 975) is None  # the program read all that came
    assert late(whole, 39, ended=T0 + 0.1) is None  # it came after the program gave up
    assert late(None) is None
