"""When capture may stop after the probes: on captures recorded in the lab."""

from __future__ import annotations

from pathlib import Path

import pytest

from wiresleuth.capture.packet_reading import read_packets
from wiresleuth.engine.close_answers import CloseAnswers

CAPTURES = Path(__file__).parents[1] / "lab" / "captures"


def _waiting(name: str, upto: int | None = None) -> int:
    records = read_packets(CAPTURES / name).records
    closes = CloseAnswers()
    closes.feed(r for r in records if upto is None or r.number <= upto)
    return closes.waiting


@pytest.mark.parametrize("name", ["client-waits.pcap", "server-waits.pcap"])
def test_a_close_the_peer_began_is_complete_with_our_fin(name: str) -> None:
    total = len(read_packets(CAPTURES / name).records)
    assert _waiting(name) == 0
    assert _waiting(name, upto=total - 1) == 0  # both FINs: the peer's last ACK is not needed
    assert _waiting(name, upto=total - 2) == 1  # the peer's FIN alone: ours is still to come


def test_a_close_we_began_waits_for_the_ack_of_our_fin() -> None:
    # our FIN rode on the last data (packet 87); the peer's window was closed: packet 88
    # acknowledges the bytes before that segment only, packet 89 the FIN
    assert _waiting("zero-window.pcap", upto=87) == 1
    assert _waiting("zero-window.pcap", upto=88) == 1
    assert _waiting("zero-window.pcap", upto=89) == 0


def test_a_reset_or_an_unanswered_syn_leaves_nothing_to_wait_for() -> None:
    assert _waiting("refused.pcap") == 0
    assert _waiting("dropped-syn.pcap") == 0


def test_a_connection_we_have_not_closed_yet_is_waited_for() -> None:
    # established; our FIN has not reached the capture (it would, a moment later)
    assert _waiting("client-waits.pcap", upto=3) == 1
    # our FIN rode on the last data; the peer acknowledged both
    assert _waiting("zero-window.pcap") == 0


def test_packets_fed_in_pieces_count_as_one_feed() -> None:
    records = read_packets(CAPTURES / "client-waits.pcap").records
    closes = CloseAnswers()
    for record in records:
        closes.feed([record])
    assert closes.waiting == 0
