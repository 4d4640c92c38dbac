"""MTU black hole versus policy, on scripted sweeps and exchanges."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tests.analysis.scripted import Wire
from tests.capture.corpora import corpus, names
from wiresleuth.analysis.flows import assemble_flows
from wiresleuth.analysis.mtu_findings import (
    analyse_mtu,
    stopped_exchanges,
    sweep_plot,
    tcp_evidence,
)
from wiresleuth.analysis.stopped_waits import NO_STOPS, Stops
from wiresleuth.bundle.recording import load_recorded_run
from wiresleuth.capture.fast_records import iter_records
from wiresleuth.model.engine_observations import Stall
from wiresleuth.model.mtu_observations import (
    MtuTargetObservation,
    MtuWizardObservations,
    PathMtuSweep,
    SegmentAttempt,
    SweepProbe,
)
from wiresleuth.model.observations import (
    ConnectObservation,
    TlsObservation,
    TlsTargetObservation,
    TlsWizardObservations,
)
from wiresleuth.model.packet import FIN, RST, PacketRecord

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


def observe(address: str = SERVER, **kw: object) -> MtuWizardObservations:
    target = MtuTargetObservation(target="chat.example:443", address=address, scheme="https", **kw)  # type: ignore[arg-type]
    return MtuWizardObservations(targets=(target,))


def ids(findings: list) -> list[str]:  # type: ignore[type-arg]
    return [f.id for f in findings]


def hello_sent(*, dscp: int = 0) -> Wire:
    """A connection to SERVER:443 (MSS 1460) whose 300-byte ClientHello went out; what the
    server sends, marked ``dscp``, is the test's."""
    wire = Wire(server=(SERVER, 443))
    wire.sides["server"].dscp = dscp
    wire.handshake(server_mss=1460)
    wire.send("client", b"\x16" * 300)
    return wire


def ef_server_losing_full_size_segments() -> Wire:
    """An EF-marked server whose two full-size segments are lost: only its 200-byte tail
    arrives (C1's policer)."""
    wire = hello_sent(dscp=46)
    wire.send("server", b"A" * 1448, lost=True)
    wire.send("server", b"B" * 1448, lost=True)
    wire.send("server", b"C" * 200)
    return wire


def with_capture(wire: Wire, **kw: object) -> list:  # type: ignore[type-arg]
    """The findings of a sweep that reached 1500 bytes, with ``wire`` as the run's capture."""
    found, _ = analyse_mtu(observe(sweep=sweep(1500), **kw), assemble_flows(wire.packets))
    return found


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
    wire = ef_server_losing_full_size_segments()
    found = with_capture(wire, finding_target="chat.example:443")
    assert ids(found) == ["mtu.path_mtu", "path.qos_policing", "path.dscp_marked"]
    policing, dscp = found[1], found[2]
    assert policing.values["dscp"] == 46 and policing.values["dscp_name"] == "EF"
    assert policing.values["largest_received"] == 200 and policing.values["server_mss"] == [1460]
    assert wire.packets[-1].number in policing.packets  # the tail
    assert dscp.target == "chat.example:443" and dscp.values["lost"] is True
    marks = next(e.text for e in policing.evidence if "marked" in e.text)
    assert marks.endswith("marked: 4 EF (46)") or "EF (46)" in marks
    assert "{" not in marks
    sweep_text = next(e.text for e in policing.evidence if e.text.startswith("DF echo"))
    assert "1 probes" not in sweep_text


def two_addresses(second: dict[str, object]) -> MtuWizardObservations:
    """One name, two addresses: the first healthy, the second as ``second`` says."""
    healthy = MtuTargetObservation(
        target="chat.example:443", address="198.19.0.11", scheme="https", sweep=sweep(1500),
        tls_default="answered",
    )  # fmt: skip
    return MtuWizardObservations(
        targets=(
            healthy,
            replace(healthy, **{"address": "198.19.0.12", **second}),  # type: ignore[arg-type]
        )
    )


def test_a_policy_on_the_second_address_of_a_name_is_named_1_of_2() -> None:
    found, _ = analyse_mtu(
        two_addresses({"tls_default": "silent", "tls_small_mss": "answered"}), []
    )
    assert ids(found) == ["mtu.path_mtu", "path.qos_policing"]
    policing = found[1]
    assert policing.title == (
        "1 of 2 addresses of chat.example has its large packets dropped by a network "
        "policy: 198.19.0.12"
    )
    assert (policing.values["addresses_failing"], policing.values["tested"]) == (
        ["198.19.0.12"], 2,
    )  # fmt: skip
    assert "198.19.0.11 took packets up to 1500 bytes" in policing.user_text
    # the path MTU of both (measured, no failure): one finding citing each address's sweep
    assert "addresses_failing" not in found[0].values
    assert {e.addresses for e in found[0].evidence} == {("198.19.0.11",), ("198.19.0.12",)}


def test_a_black_hole_towards_the_second_address_only_is_named_1_of_2() -> None:
    found, _ = analyse_mtu(two_addresses({"sweep": sweep(1280)}), [])
    (hole,) = [f for f in found if f.id == "mtu.blackhole"]
    assert hole.title.startswith("1 of 2 addresses of chat.example loses packets above")
    assert hole.values["addresses_failing"] == ["198.19.0.12"]
    assert hole.values["smallest_lost"] == 1281


def test_the_tls_handshakes_of_each_address_are_that_addresses_evidence() -> None:
    """The TLS check's default handshake with each address, read by the MTU check of that
    address (not the name's first): its silence proves nothing when the capture saw its
    answer arrive in time, address by address."""
    tls = tls_default("timeout", T0 + 5)
    (target,) = tls.targets
    found, _ = analyse_mtu(
        observe(sweep=sweep(1500), tls_default="silent", tls_small_mss="answered"),
        assemble_flows(handshake_answered_at(0.3)),
        tls,
    )
    assert "path.qos_policing" not in ids(found)  # read late, on its own address
    elsewhere = replace(target, address="198.19.0.99")
    found, _ = analyse_mtu(
        observe(sweep=sweep(1500), tls_default="silent", tls_small_mss="answered"),
        assemble_flows(handshake_answered_at(0.3)),
        TlsWizardObservations(targets=(elsewhere,)),
    )
    assert "path.qos_policing" in ids(found)  # another address's handshake is not its own


def test_healthy_path_only_the_info_and_unmarked_traffic_is_not_a_finding() -> None:
    wire = hello_sent()
    wire.send("server", b"A" * 1448)
    assert ids(with_capture(wire)) == ["mtu.path_mtu"]


def test_sweep_plot_rows() -> None:
    assert sweep_plot(sweep(1500)) == [[1500, "reply", 100.0]]


def test_a_resend_the_client_acknowledged_is_recovery_not_loss() -> None:
    """A busy host resends a small segment its peer then acknowledges: no loss to conclude,
    even though every segment was small (a false path.qos_policing on a healthy lab run)."""
    wire = hello_sent()
    wire.send("server", b"A" * 600)
    wire.resend("server", 0)
    wire.ack("client")
    assert ids(with_capture(wire)) == ["mtu.path_mtu"]


def test_a_resend_to_a_client_that_had_closed_is_not_loss() -> None:
    """The loaded-machine sequence of a healthy proxy run: the client gives up a connection
    (a cancelled spare handshake) while the proxy still relays; the proxy's segment and its
    tail-loss probe both reach the client, which resets, late, without acknowledging. Every
    byte arrived, none was large: no policy (it was a false path.qos_policing)."""
    wire = Wire(client=("198.18.1.10", 35992), server=("198.18.2.10", 3128))
    wire.handshake(rtt=0.0001, client_mss=536, server_mss=1460)
    wire.send("client", b"C" * 137)
    wire.send("server", b"H" * 39)
    wire.send("client", b"\x16" * 517)
    wire.send("server", b"\x16" * 524)
    wire.send("server", b"\x16" * 451)
    wire.ack("client")
    wire.fin("client")
    tail = wire.send("server", b"\x17" * 524)
    wire.wait(0.016).resend("server", 39 + 524 + 451)  # the probe: the client's reset was late
    closed = wire.sides["client"].nxt
    wire.emit("client", flags=RST, seq=closed)
    wire.emit("client", flags=RST, seq=closed)
    flows = assemble_flows(wire.packets)
    assert tail is not None and flows[0].server_stream.retransmissions
    found, _ = analyse_mtu(observe("198.18.2.10", sweep=sweep(1500), tls_default="answered"), flows)
    assert ids(found) == ["mtu.path_mtu"]


def test_a_hole_the_client_acknowledged_was_missed_by_the_capture() -> None:
    """A busy capture drops a packet the client did get (its ACK covers it): not loss."""
    wire = hello_sent()
    wire.send("server", b"A" * 1448, lost=True)
    wire.send("server", b"B" * 200)
    wire.ack("client", ack=wire.sides["server"].nxt)
    assert ids(with_capture(wire)) == ["mtu.path_mtu"]


def test_small_bytes_that_stayed_missing_say_nothing_about_size() -> None:
    """A hole smaller than a full-size segment, on a connection whose segments were all
    small: loss, but nothing shows it picks large packets."""
    wire = hello_sent()
    wire.send("server", b"A" * 300, lost=True)
    wire.send("server", b"B" * 600)
    wire.ack("client")
    assert ids(with_capture(wire)) == ["mtu.path_mtu"]


def test_a_full_size_hole_never_filled_is_loss_with_its_resends_as_evidence() -> None:
    wire = hello_sent()
    wire.send("server", b"A" * 1448, lost=True)
    after = wire.send("server", b"B" * 200)
    dup = wire.ack("client")
    probe = wire.resend("server", 1448)
    wire.resend("server", 0, lost=True)
    found = with_capture(wire)
    assert ids(found) == ["mtu.path_mtu", "path.qos_policing"]
    policing = found[1]
    assert policing.values["proof"] == "capture" and policing.values["largest_received"] == 200
    assert after is not None and dup is not None and probe is not None
    assert {after.number, dup.number, probe.number} <= set(policing.packets)
    assert "1448 bytes never arrived" in policing.evidence[-1].text


def tls_default(outcome: str, ended_at: float, port: int = 50123) -> TlsWizardObservations:
    """The TLS wizard's default handshake with SERVER from local ``port``, as it ended."""
    conn = ConnectObservation(
        address=SERVER, port=443, started_at=T0, connected_at=T0 + 0.05, local_port=port
    )
    attempt = TlsObservation(
        target="chat.example:443", sni="chat.example", purpose="default", connect=conn,
        outcome=outcome, ended_at=ended_at, client_hello_at=T0 + 0.06,
    )  # fmt: skip
    target = TlsTargetObservation(target="chat.example:443", address=SERVER, attempts=(attempt,))
    return TlsWizardObservations(targets=(target,))


def handshake_answered_at(seconds: float) -> list[PacketRecord]:
    """The default handshake's connection: the server's flight arrives ``seconds`` after
    the ClientHello (full size, whole, acknowledged by this computer's kernel)."""
    wire = Wire(server=(SERVER, 443), start=T0)
    wire.handshake(server_mss=1460)
    wire.send("client", b"\x16" * 517)
    wire.wait(seconds)
    wire.send("server", b"\x16" * 1448)
    wire.send("server", b"\x16" * 300)
    wire.ack("client")
    return wire.packets


def test_an_answer_the_capture_saw_arrive_in_time_was_read_late_not_lost() -> None:
    """A loaded machine: the default handshake's socket reported nothing before its
    deadline, yet the server's full-size flight reached this computer 0.2 s after the
    ClientHello; the small-MSS spare, scheduled in time, answered. The program was late,
    the path lost nothing: no policy."""
    obs = observe(sweep=sweep(1500), tls_default="silent", tls_small_mss="answered")
    flows = assemble_flows(handshake_answered_at(0.2))
    found, _ = analyse_mtu(obs, flows, tls_default("timeout", ended_at=T0 + 6.1))
    assert ids(found) == ["mtu.path_mtu"]


def test_an_answer_that_never_arrived_leaves_the_sockets_proof_standing() -> None:
    obs = observe(sweep=sweep(1500), tls_default="silent", tls_small_mss="answered")
    wire = Wire(server=(SERVER, 443), start=T0)
    wire.handshake(server_mss=1460)
    wire.send("client", b"\x16" * 517)
    wire.send("server", b"\x16" * 1448, lost=True)
    found, _ = analyse_mtu(
        obs, assemble_flows(wire.packets), tls_default("timeout", ended_at=T0 + 6.1)
    )
    assert ids(found) == ["mtu.path_mtu", "path.qos_policing"]
    assert found[1].values["proof"] == "sockets"


def test_an_answer_arriving_after_the_attempt_ended_does_not_excuse_it() -> None:
    """Bytes that came only once the program had given up do not show it read late."""
    obs = observe(sweep=sweep(1500), tls_default="silent", tls_small_mss="answered")
    flows = assemble_flows(handshake_answered_at(7.0))
    found, _ = analyse_mtu(obs, flows, tls_default("timeout", ended_at=T0 + 6.1))
    assert "path.qos_policing" in ids(found)


def test_the_wizards_own_exchange_read_late_is_no_loss_either() -> None:
    packets = handshake_answered_at(0.2)
    default = exchange("default", "silent", 50123)
    attempts = (replace(default, ended_at=T0 + 4.2), exchange("small-mss", "answered", 40002))
    found, _ = analyse_mtu(observe(sweep=sweep(1500), tcp=attempts), assemble_flows(packets))
    assert ids(found) == ["mtu.path_mtu"]


def test_without_capture_an_answer_left_unread_is_no_loss() -> None:
    """No capture to look at, but the socket still held the answer when the program, late,
    gave up on it: the silence was this computer's."""
    default = replace(exchange("default", "silent", 40001), unread_bytes=330)
    attempts = (default, exchange("small-mss", "answered", 40002))
    found, _ = analyse_mtu(observe(sweep=sweep(1500), tcp=attempts), [])
    assert ids(found) == ["mtu.path_mtu"]


def stopped(start: float, end: float) -> Stops:
    stall = Stall(started_at=start, ended_at=end, monotonic_start=start, monotonic_end=end)
    return Stops((stall,), 0.05)


def test_a_silent_exchange_whose_deadline_fell_while_the_program_was_stopped_is_no_loss() -> None:
    """No capture, nothing unread: the silence stands as proof, unless the program was
    stopped when the default exchange's deadline came (the check could not run there)."""
    attempts = (exchange("default", "silent", 40001), exchange("small-mss", "answered", 40002))
    obs = observe(sweep=sweep(1500), tcp=attempts)
    assert ids(analyse_mtu(obs, [], None, NO_STOPS)[0]) == ["mtu.path_mtu", "path.qos_policing"]
    stop = stopped(T0 + 1.0, T0 + 4.0)
    assert ids(analyse_mtu(obs, [], None, stop)[0]) == ["mtu.path_mtu"]
    [late] = stopped_exchanges(obs, [], None, stop)
    assert late.target == "chat.example:443" and "listened only 0.90 s" in late.detail
    early = stopped(T0 + 1.0, T0 + 2.0)  # awake again 2 s before the deadline
    assert ids(analyse_mtu(obs, [], None, early)[0]) == ["mtu.path_mtu", "path.qos_policing"]
    assert stopped_exchanges(obs, [], None, early) == []


def test_the_tls_handshake_read_by_the_mtu_check_stopped_with_the_program_is_no_loss() -> None:
    obs = observe(sweep=sweep(1500), tls_default="silent", tls_small_mss="answered")
    tls = tls_default("timeout", T0 + 4.0)
    assert ids(analyse_mtu(obs, [], tls)[0]) == ["mtu.path_mtu", "path.qos_policing"]
    stop = stopped(T0 + 1.0, T0 + 4.0)
    assert ids(analyse_mtu(obs, [], tls, stop)[0]) == ["mtu.path_mtu"]
    assert [x.target for x in stopped_exchanges(obs, [], tls, stop)] == ["chat.example:443"]


# -- recorded runs ---------------------------------------------------------------------------

SAMPLES = Path(__file__).parent / "samples" / "mtu"
LAB_C1 = (
    Path(__file__).parents[1] / "capture" / "samples" / "damaged" / "lab-C1-masked-headers.wsbundle"
)


def recorded(path: Path) -> tuple[MtuWizardObservations, list[PacketRecord]]:
    run = load_recorded_run(path, {"mtu": MtuWizardObservations})
    obs = run.observations["mtu"]
    assert isinstance(obs, MtuWizardObservations)
    return obs, list(run.packets)


def test_a_loaded_healthy_proxy_run_stays_quiet_with_the_probe_it_could_have_met() -> None:
    """corp-proxy-os recorded on the loaded machine: a cancelled spare handshake's socket
    closed while the proxy still relayed; its segments after the client's FIN were answered
    by resets. Had the proxy's tail-loss probe left before the (late) reset arrived, the
    capture would hold one resend never acknowledged: still no loss, every byte arrived."""
    obs, packets = recorded(SAMPLES / "corp-proxy-os-loaded.wsbundle")
    assert ids(analyse_mtu(obs, assemble_flows(packets))[0]) == ["mtu.path_mtu"]
    proxy = "198.18.2.10"
    closed = next(
        f for f in assemble_flows(packets)
        if f.server == proxy and any(p.has(RST) for p in f.client_stream.packets)
    )  # fmt: skip
    fin_at = next(p.time for p in closed.client_stream.packets if p.has(FIN))
    late = next(p for p in closed.server_stream.packets if p.time > fin_at and p.payload_len)
    probe = replace(late, number=max(p.number for p in packets) + 1, time=late.time + 0.016)
    at = packets.index(late) + 1
    probed = [*packets[:at], probe, *packets[at:]]
    again = next(f for f in assemble_flows(probed) if f.client_port == closed.client_port)
    assert probe.number in again.server_stream.retransmissions
    assert ids(analyse_mtu(obs, assemble_flows(probed))[0]) == ["mtu.path_mtu"]


def test_the_c1_lab_run_is_proven_by_its_capture_alone() -> None:
    """C1 recorded: three connections with the default MSS each lost 4096 bytes of full-size
    segments and got only a 284-byte tail. The small-MSS connection's first 3668 bytes are
    missing from the file (72 of its 86 packets are readable: a damaged pcapng block) but
    the client acknowledged them: a capture's gap, not the path's, and not counted."""
    obs, packets = recorded(LAB_C1)
    target = obs.targets[0]
    assert target.address is not None
    tcp = tcp_evidence(target.address, (), assemble_flows(packets))
    assert tcp.lost_by_capture and not tcp.lost_by_sockets
    assert tcp.largest_hole == 4096 and tcp.missing_bytes == 3 * 4096
    found, _ = analyse_mtu(obs, assemble_flows(packets))
    assert ids(found) == ["mtu.path_mtu", "path.qos_policing", "path.dscp_marked"]
    assert found[1].values["dscp"] == 46


def test_a_stalled_program_reading_the_answer_late_is_not_a_policy() -> None:
    """corp-proxy-os (HTTP target only) recorded while the program was stopped for 7 s: its
    default exchange through the proxy reported silence, the MSS-536 one after it an
    answer, yet the capture shows the proxy's answer arrived within the first second."""
    obs, packets = recorded(SAMPLES / "corp-proxy-http-stalled.wsbundle")
    default = obs.targets[0].tcp[0]
    assert (default.purpose, default.outcome) == ("default", "silent")
    flows = assemble_flows(packets)
    tcp = tcp_evidence(obs.targets[0].address or "", obs.targets[0].tcp, flows)
    assert tcp.default_read_late is not None and tcp.default_read_late < default.ended_at - 5
    assert ids(analyse_mtu(obs, flows)[0]) == ["mtu.path_mtu"]


# Real captures of shared/corpora where the capture proof of 61fb9a7 "proved" large-packet
# loss: excerpts whose missing bytes the receiver acknowledged (the file does not hold them),
# and a lone resend never acknowledged (kday3). None of them shows a size policy.
FALSE_BEFORE = (
    ("tcpdump-tests", "bgp-as-path-oobr.pcap"),
    ("tcpdump-tests", "bgp-cease-hard-reset.pcap"),
    ("tcpdump-tests", "bgp-role.pcapng"),
    ("tcpdump-tests", "bgp-shutdown-communication.pcapng"),
    ("tcpdump-tests", "kday3.pcap"),
    ("tcpdump-tests", "kday4.pcap"),
    ("tcpdump-tests", "kday7.pcap"),
    ("tcpdump-tests", "of13_ericsson.pcapng"),
    *(("packets", name) for name in names("packets", "*.pcap*")),
)


@pytest.mark.parametrize(("folder", "name"), FALSE_BEFORE)
def test_real_captures_prove_no_size_policy(folder: str, name: str) -> None:
    flows = assemble_flows(list(iter_records(corpus(folder) / name)))
    for server in sorted({f.server for f in flows}):
        tcp = tcp_evidence(server, (), flows)
        assert not tcp.lost_by_capture, (server, tcp.largest_hole, tcp.lost_packets[:5])


def test_the_c1_damaged_capture_counts_only_the_connection_it_holds_whole() -> None:
    """With the file's damage known (after frame 38: the reader's gaps), the two default-MSS
    connections open across it prove nothing; the third, wholly after it, still does."""
    from wiresleuth.analysis.capture_gaps import flows_with_gaps
    from wiresleuth.bundle.recording import load_recorded_run

    run = load_recorded_run(LAB_C1, {"mtu": MtuWizardObservations})
    obs = run.observations["mtu"]
    assert isinstance(obs, MtuWizardObservations) and run.capture_gaps
    flows = flows_with_gaps(assemble_flows(run.packets), run.capture_gaps)
    tcp = tcp_evidence(obs.targets[0].address or "", (), flows)
    assert tcp.lost_by_capture and tcp.missing_bytes == 4096 and tcp.unprovable_bytes == 8192
    assert tcp.capture_gap is not None and tcp.capture_gap.after == 38
    assert tcp.lost_packets[:2] == (70, 71)
