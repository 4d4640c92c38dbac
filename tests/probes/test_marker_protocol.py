"""The path-proof lines: what the sender writes, what the listener answers, both parsed."""

from wiresleuth.probes.marker_protocol import (
    ack_line,
    describe_line,
    marker_line,
    new_marker,
    parse_ack,
)


def test_markers_are_unique() -> None:
    assert len({new_marker() for _ in range(200)}) == 200


def test_a_marker_round_trip() -> None:
    marker = new_marker()
    line = marker_line(marker, "PROXY 198.18.2.10:3128")
    assert line == f"WIRESLEUTH-MARKER {marker} route=PROXY:198.18.2.10:3128\n".encode()
    text, is_marker = describe_line(line)
    assert is_marker and text == line.decode().strip()
    ack = parse_ack(ack_line(text, "198.18.2.10", 41234, 1764088200.25))
    assert ack is not None
    assert (ack.source, ack.port, ack.at) == ("198.18.2.10", 41234, 1764088200.25)
    assert ack.marker() == marker


def test_netcat_text_is_acknowledged_but_is_no_marker() -> None:
    text, is_marker = describe_line(b"amazinggrace\r\n")
    assert (text, is_marker) == ("amazinggrace", False)
    ack = parse_ack(ack_line(text, "::1", 5000, 1.0))
    assert ack is not None and ack.source == "::1" and ack.marker() is None


def test_control_bytes_are_shown_escaped() -> None:
    text, is_marker = describe_line(b"\x16\x03\x01hello\n")
    assert text == "\\x16\\x03\\x01hello" and not is_marker


def test_other_answers_are_not_acks() -> None:
    assert parse_ack(b"HTTP/1.1 400 Bad Request") is None
    assert parse_ack(b"WIRESLEUTH-ACK from=nowhere at=x hi") is None
