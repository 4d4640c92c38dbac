"""The packet list's Info column: what each packet is, as Wireshark names it, from lab captures."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.gui.lab_samples import lab_capture, tshark_fields
from wiresleuth.analysis.packet_info import PacketDescriber, describe_packets, tcp_flag_names
from wiresleuth.capture.packet_reading import read_packets
from wiresleuth.model.packet import PacketRecord


def infos(name: str, folder: Path) -> dict[int, tuple[str, str]]:
    packets = read_packets(lab_capture(name, folder)).records
    return {p.number: (i.protocol, i.info) for p, i in zip(packets, describe_packets(packets), strict=True)}


def test_a_client_hello_an_alert_an_http_status_and_a_dns_answer_are_named(tmp_path: Path) -> None:
    named = infos("C4-nxdomain", tmp_path)
    rows = tshark_fields(tmp_path / "C4-nxdomain.pcapng", "frame.number", "_ws.col.Info")
    theirs = {int(number): info for number, info in rows}
    # A ClientHello: its server name and protocols, then the TCP fields.
    protocol, info = named[27]
    assert protocol == "TLS" and info.startswith("Client Hello (SNI=www.lab.test, ALPN=http/1.1)")
    assert "40386 → 443 [PSH, ACK] Seq=1 Ack=1 Win=64512 Len=517" in info
    assert "Client Hello" in theirs[27]
    # The server's alert of a connection whose client sent no TLS at all.
    assert named[100] == ("TLS", "Alert (Fatal, Decode Error)  ·  443 → 40410 [PSH, ACK] Seq=1 Ack=2 Win=65536 Len=7")
    assert "Alert (Level: Fatal, Description: Decode Error)" in theirs[100]
    # The search page's status line.
    assert named[68][0] == "HTTP" and named[68][1].startswith("HTTP/1.1 404 Not Found  ·  80 → 43596")
    assert theirs[68].startswith("HTTP/1.1 404 Not Found")
    # DNS: word for word as tshark writes it, for every query and answer of the capture.
    dns = [n for n, (protocol, _) in named.items() if protocol == "DNS"]
    assert len(dns) == 10
    for number in dns:
        assert named[number][1] == theirs[number].strip(), number
    assert named[9][1] == "Standard query response 0xb9e6 A wpad-pac.lab.test A 100.64.1.80"


def test_relative_sequence_numbers_and_windows_are_wiresharks(tmp_path: Path) -> None:
    for name in ("C1", "C4-nxdomain", "C6"):
        packets = read_packets(lab_capture(name, tmp_path)).records
        ours = {p.number: i for p, i in zip(packets, describe_packets(packets), strict=True)}
        rows = tshark_fields(
            tmp_path / f"{name}.pcapng", "frame.number", "tcp.seq", "tcp.ack", "tcp.window_size"
        )
        compared = 0
        for number, seq, ack, window in rows:
            if not seq:
                continue
            info = ours[int(number)]
            assert info.seq == int(seq), (name, number)
            # tshark shows 0 for a segment without the ACK flag; we show no number.
            assert info.ack == int(ack) or (info.ack is None and ack == "0"), (name, number)
            assert info.window == int(window), (name, number)
            compared += 1
        assert compared > 40


def test_what_the_flows_say_is_marked(tmp_path: Path) -> None:
    c1 = infos("C1", tmp_path)
    # The default handshake's answer: 4096 bytes never arrived, then the client SACKs.
    assert c1[27][1].startswith("[TCP Previous segment not captured] 443 → 56738")
    assert c1[28][1].startswith("[TCP Dup ACK] 56738 → 443 [ACK]")
    assert c1[28][1].endswith("SLE=4097 SRE=4382")
    assert "MSS=536" in c1[32][1]  # the small-MSS retry, visible in the list
    c6 = infos("C6", tmp_path)
    assert c6[27] == ("TCP", "Not TLS: HTTP/1.0 200 OK  ·  443 → 47568 [PSH, ACK] Seq=1 Ack=518 Win=65536 Len=246")
    assert c6[1] == ("ICMP", "Echo (ping) request id=0x027a, seq=1")


def test_lines_are_worked_out_per_connection_when_asked_for(tmp_path: Path) -> None:
    packets = read_packets(lab_capture("C1", tmp_path)).records
    describer = PacketDescriber(packets).prepare()
    assert len(describer) == len(packets) and not describer.complete
    assert describer[26].info.startswith("[TCP Previous segment not captured]")  # frame 27
    assert not describer.complete  # only that packet's connection was reassembled
    assert [describer[i] for i in range(len(describer))] == describe_packets(packets)
    assert describer.complete


def test_a_packet_alone_and_odd_ones(tmp_path: Path) -> None:
    assert tcp_flag_names(0x12) == "SYN, ACK" and tcp_flag_names(0) == "<None>"
    udp = PacketRecord(number=1, time=0.0, src="a", dst="b", proto=17, sport=53, dport=40000, payload=b"\x00")
    assert describe_packets([udp])[0].info == "53 → 40000 Len=1"  # not a DNS message
    gre = PacketRecord(number=2, time=0.0, src="a", dst="b", proto=47)
    assert describe_packets([gre])[0].info == "IP protocol 47"
    too_big = PacketRecord(
        number=3, time=0.0, src="a", dst="b", proto=58, ip_version=6, icmp_type=2, icmp_code=0,
        payload=(1280).to_bytes(4, "big"),
    )  # fmt: skip
    assert describe_packets([too_big])[0].info == "Packet Too Big (MTU 1280)"
    frag = PacketRecord(
        number=4, time=0.0, src="a", dst="b", proto=1, icmp_type=3, icmp_code=4,
        payload=b"\x00\x00\x05\x00",
    )  # fmt: skip
    assert describe_packets([frag])[0].info == "Destination unreachable (Fragmentation needed, MTU 1280)"


@pytest.mark.parametrize("name", ["C1", "C6", "C7", "C8"])
def test_every_client_hello_tshark_sees_is_named(name: str, tmp_path: Path) -> None:
    named = infos(name, tmp_path)
    rows = tshark_fields(tmp_path / f"{name}.pcapng", "frame.number", "_ws.col.Info")
    hellos = {int(n) for n, info in rows if "Client Hello" in info}
    assert hellos and hellos == {n for n, (_, info) in named.items() if "Client Hello" in info}
