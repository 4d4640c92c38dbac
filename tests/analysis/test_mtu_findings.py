"""MTU black hole versus policy, on scripted sweeps and exchanges."""

from __future__ import annotations

from tests.analysis.scripted import Wire
from wiresleuth.analysis.flows import assemble_flows
from wiresleuth.analysis.mtu_findings import analyse_mtu, sweep_plot
from wiresleuth.model.mtu_observations import (
    MtuTargetObservation,
    MtuWizardObservations,
    PathMtuSweep,
    SegmentAttempt,
    SweepProbe,
)
from wiresleuth.model.observations import ConnectObservation

SERVER, T0 = "198.19.0.10", 1_700_000_000.0


def sweep(mtu: int, *, frag: bool = False, high: int = 1500) -> PathMtuSweep:
    probes = []
    for size in (high, 576, 1038, 1269, 1384, 1326, 1297, 1283, 1276, 1279, 1281, 1280):
        if size <= mtu:
            probes.append(SweepProbe(size=size, result="reply", at=T0, rtt=0.1))
        elif frag:
            probes.append(
                SweepProbe(
                    size=size, result="frag_needed", at=T0, mtu=mtu, reported_by="198.18.1.1"
                )
            )
        else:
            probes.append(SweepProbe(size=size, result="lost", at=T0))
        if size == high and mtu >= high:
            break
    return PathMtuSweep(
        address=SERVER, method="socket", interface_mtu=high, probes=tuple(probes), path_mtu=mtu
    )


def exchange(purpose: str, outcome: str, port: int) -> SegmentAttempt:
    conn = ConnectObservation(
        address=SERVER, port=443, started_at=T0, connected_at=T0 + 0.1, local_port=port
    )
    return SegmentAttempt(
        purpose=purpose, connect=conn, trigger="tls-client-hello", outcome=outcome, ended_at=T0 + 4
    )


def observe(**kw: object) -> MtuWizardObservations:
    target = MtuTargetObservation(target="chat.example:443", address=SERVER, scheme="https", **kw)  # type: ignore[arg-type]
    return MtuWizardObservations(targets=(target,))


def ids(findings: list) -> list[str]:  # type: ignore[type-arg]
    return [f.id for f in findings]


def test_black_hole_when_large_echoes_vanish_without_frag_needed() -> None:
    found, _ = analyse_mtu(observe(sweep=sweep(1280)), [])
    assert ids(found) == ["mtu.path_mtu", "mtu.blackhole"]
    hole = found[1]
    assert hole.values["path_mtu"] == 1280 and hole.values["smallest_lost"] == 1281
    plot = hole.evidence[0].data["sweep"]
    assert plot[0] == [1500, "lost", None] and [1280, "reply", 100.0] in plot


def test_frag_needed_means_pmtud_works_no_black_hole() -> None:
    found, _ = analyse_mtu(observe(sweep=sweep(1280, frag=True)), [])
    assert ids(found) == ["mtu.path_mtu"]
    assert found[0].values["frag_needed_seen"] is True
    assert "PMTUD works" in found[0].engineer_text


def test_policy_when_icmp_passes_and_the_small_mss_exchange_works() -> None:
    found, labels = analyse_mtu(
        observe(
            sweep=sweep(1500),
            tcp=(exchange("default", "silent", 40001), exchange("small-mss", "answered", 40002)),
        ),
        [],
    )
    assert ids(found) == ["mtu.path_mtu", "path.qos_policing"]
    assert found[1].values["proof"] == "sockets" and found[1].values["dscp"] is None
    assert "unknown (no capture)" in found[1].engineer_text
    assert labels[40001].startswith("MTU test (default)")


def test_the_tls_wizards_handshakes_count_as_the_tcp_evidence() -> None:
    found, _ = analyse_mtu(
        observe(sweep=sweep(1500), tls_default="silent", tls_small_mss="answered"), []
    )
    assert "path.qos_policing" in ids(found)
    assert "the TLS wizard's handshake" in found[1].evidence[1].text


def test_captured_ef_marked_server_losing_full_size_segments() -> None:
    wire = Wire(server=(SERVER, 443))
    wire.sides["server"].dscp = 46
    wire.handshake(server_mss=1460)
    wire.send("client", b"\x16" * 300)
    wire.send("server", b"A" * 1448, lost=True)
    wire.send("server", b"B" * 1448, lost=True)
    tail = wire.send("server", b"C" * 200)
    flows = assemble_flows(wire.packets)
    found, _ = analyse_mtu(observe(sweep=sweep(1500), finding_target="chat.example:443"), flows)
    assert ids(found) == ["mtu.path_mtu", "path.qos_policing", "path.dscp_marked"]
    policing, dscp = found[1], found[2]
    assert policing.values["dscp"] == 46 and policing.values["dscp_name"] == "EF"
    assert policing.values["largest_received"] == 200 and policing.values["server_mss"] == [1460]
    assert tail is not None and tail.number in policing.packets
    assert dscp.target == "chat.example:443" and dscp.values["lost"] is True
    marks = next(e.text for e in policing.evidence if "marked" in e.text)
    assert marks.endswith("marked: 4 EF (46)") or "EF (46)" in marks
    assert "{" not in marks
    sweep_text = next(e.text for e in policing.evidence if e.text.startswith("DF echo"))
    assert "1 probes" not in sweep_text


def test_healthy_path_only_the_info_and_unmarked_traffic_is_not_a_finding() -> None:
    wire = Wire(server=(SERVER, 443))
    wire.handshake(server_mss=1460)
    wire.send("server", b"A" * 1448)
    found, _ = analyse_mtu(observe(sweep=sweep(1500)), assemble_flows(wire.packets))
    assert ids(found) == ["mtu.path_mtu"]


def test_sweep_plot_rows() -> None:
    assert sweep_plot(sweep(1500)) == [[1500, "reply", 100.0]]
