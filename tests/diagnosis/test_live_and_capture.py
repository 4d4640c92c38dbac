"""Each scripted exchange gives the same finding IDs live and as a capture (issue 12).

Live: a run's recording, the TLS check's observations beside the packets its capture saw.
As a capture: the same packets written to a pcap and given to ``wiresleuth analyze``'s
source (the fast reader, no observations). Both go through ``diagnose``; the rule that
concludes each ID is the same module either way (``test_registry``), so the IDs agree.
Targets differ by design: a run names the site (``www.lab.test:443``), a capture the
server's address.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.analysis.records_pcap import write_pcap
from tests.analysis.scripted import Wire
from tests.analysis.test_tls_wizard_findings import (
    CLIENT,
    CLIENT_HELLO,
    INJECTED,
    SERVER,
    T0,
    attempt,
    c1_capture,
    observations,
    reset_wire,
)
from tests.diagnosis.recordings import run_of
from wiresleuth.diagnosis.diagnose import diagnose
from wiresleuth.model.observations import Chunk, TlsWizardObservations
from wiresleuth.model.packet import ICMP, PacketRecord
from wiresleuth.sources.capture_file import analyze_file

Exchange = tuple[list[PacketRecord], TlsWizardObservations]


def echo(number: int, at: float, rtt: float) -> list[PacketRecord]:
    """A ping to the server and its answer: the path round trip, as the check's probe sees it."""
    ident = (0x1234).to_bytes(2, "big") + (1).to_bytes(2, "big")
    common = {"proto": ICMP, "icmp_code": 0, "payload": ident, "payload_len": 4, "length": 32}
    return [
        PacketRecord(number=number, time=at, src=CLIENT, dst=SERVER, ttl=64, icmp_type=8, **common),
        PacketRecord(number=number + 1, time=at + rtt, src=SERVER, dst=CLIENT, ttl=52,
                     icmp_type=0, **common),
    ]  # fmt: skip


def c6() -> Exchange:
    """A nearby cache completes the handshake at once and injects plain HTTP 3.2 s later."""
    wire = Wire(client=(CLIENT, 40010), server=(SERVER, 443), start=T0, first_number=3)
    wire.handshake(rtt=0.0003)
    hello = wire.send("client", CLIENT_HELLO)
    assert hello is not None
    wire.wait(0.0005).ack("server")
    injected = wire.wait(3.2).send("server", INJECTED, ttl=63)
    assert injected is not None
    wire.fin("server")
    obs = observations(
        attempt(
            "default", 40010, "not_tls", rtt=0.0003, client_hello_at=hello.time,
            received=(Chunk(at=injected.time, data=INJECTED),),
        ),
        path_rtt=0.101,
    )  # fmt: skip
    return [*echo(1, T0 - 1.0, 0.101), *wire.packets], obs


def c8() -> Exchange:
    """The server side resets the handshake 3 s after the ClientHello."""
    wire, hello_at = reset_wire(rst_ttl=52)
    obs = observations(
        attempt("default", 40020, "reset", reset_at=hello_at + 3.05, client_hello_at=hello_at),
        attempt("small-mss", 40021, "reset"),
    )
    return wire.packets, obs


def c1() -> Exchange:
    """An EF-marked server's large segments are lost; the same handshake with MSS 536 works."""
    wire = c1_capture(40001)
    small = Wire(client=(CLIENT, 40002), server=(SERVER, 443), start=T0 + 6, first_number=100)
    small.sides["server"].dscp = 46
    small.handshake(rtt=0.1, client_mss=536)
    small.send("client", CLIENT_HELLO)
    record = b"\x16\x03\x03" + (1195).to_bytes(2, "big") + b"\x02" + bytes(1194)  # a ServerHello
    for start in range(0, len(record), 400):  # small segments: they pass
        small.send("server", record[start : start + 400])
    obs = observations(
        attempt("default", 40001, "timeout", error="no answer"),
        attempt("small-mss", 40002, "ok", start=T0 + 6, handshake_done_at=T0 + 6.3),
    )
    return [*wire.packets, *small.packets], obs


def silent() -> Exchange:
    """The ClientHello is acknowledged and nothing more comes, with small segments too."""
    wire = Wire(client=(CLIENT, 40030), server=(SERVER, 443), start=T0)
    wire.handshake(rtt=0.1)
    hello = wire.send("client", CLIENT_HELLO)
    assert hello is not None
    wire.wait(0.05).ack("server")
    wire.wait(5.0).fin("client")
    obs = observations(
        attempt("default", 40030, "timeout", client_hello_at=hello.time, ended_at=hello.time + 5),
        attempt("small-mss", 40031, "timeout"),
    )
    return wire.packets, obs


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (c6, {"path.tcp_intercepted", "tls.plaintext_injected"}),
        (c8, {"tls.reset_after_client_hello"}),
        (c1, {"path.large_packet_loss", "path.dscp_marked"}),
        (silent, {"tls.no_server_hello"}),
    ],
    ids=["C6", "C8", "C1", "silent"],
)
def test_the_same_ids_live_and_as_a_capture(
    make: Callable[[], Exchange], expected: set[str], tmp_path: Path
) -> None:
    packets, obs = make()
    packets = sorted(packets, key=lambda p: p.number)
    live = {f.id for f in diagnose(run_of({"tls": obs}, packets)).findings}
    captured = {f.id for f in analyze_file(write_pcap(tmp_path / "x.pcap", packets)).findings}
    assert live == expected
    assert captured == expected
