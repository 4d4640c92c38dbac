"""parse_tls on real TLS bytes (Python's ssl in memory) and on what a middlebox injects."""

from __future__ import annotations

import itertools
import ssl

import pytest

from tests.analysis.tls_bytes import SNI, exchange
from wiresleuth.analysis.tls_records import (
    ALERT_DESCRIPTIONS,
    HANDSHAKE_NAMES,
    TlsParse,
    parse_tls,
)


def names(parse: TlsParse) -> list[str]:
    return [m.name for m in parse.messages]


def test_tls12_handshake_both_directions() -> None:
    ex = exchange(ssl.TLSVersion.TLSv1_2)
    client = parse_tls(ex.stream("client"))
    server = parse_tls(ex.stream("server"))
    assert names(client)[:3] == ["client-hello", "client-key-exchange", "change-cipher-spec"]
    assert names(client)[3:] == ["encrypted-handshake", "application-data"]
    assert names(server)[:4] == [
        "server-hello",
        "certificate",
        "server-key-exchange",
        "server-hello-done",
    ]
    assert "change-cipher-spec" in names(server)
    assert client.sni == SNI
    assert client.alpn == ("h2", "http/1.1")
    assert server.version == 0x0303
    assert server.cipher_suite is not None
    assert server.certificates == tuple(ex.chain_der)  # cleartext chain, leaf first
    for parse in (client, server):
        assert parse.non_tls_offset is None
        assert not parse.incomplete


def test_message_offsets_point_at_their_bytes() -> None:
    data = exchange(ssl.TLSVersion.TLSv1_2).stream("server")
    for message in parse_tls(data).messages:
        if message.handshake_type is not None:
            assert data[message.offset] == message.handshake_type
            assert int.from_bytes(data[message.offset + 1 : message.offset + 4]) == message.length
        else:
            assert data[message.offset] == message.content_type


def test_tls13_version_from_supported_versions() -> None:
    ex = exchange(ssl.TLSVersion.TLSv1_3)
    server = parse_tls(ex.stream("server"))
    client = parse_tls(ex.stream("client"))
    assert names(server)[0] == "server-hello"
    assert server.version == 0x0304  # the record and legacy versions still say 0x0303
    assert server.messages[0].version == 0x0303
    assert server.certificates == ()  # encrypted in TLS 1.3
    assert client.sni == SNI
    assert set(names(server)[1:]) <= {"change-cipher-spec", "application-data"}


def test_alert_from_a_refusing_server() -> None:
    ex = exchange(ssl.TLSVersion.TLSv1_3, server_version=ssl.TLSVersion.TLSv1_2)
    server = parse_tls(ex.stream("server"))
    (alert,) = server.messages
    assert alert.name == "alert"
    assert alert.alert_level == 2 and alert.is_fatal_alert
    assert alert.alert_description == "protocol_version"


def test_handshake_message_spanning_records() -> None:
    hello = parse_tls(exchange().stream("client")).messages[0]
    data = exchange().stream("client")
    body = data[5 : 5 + int.from_bytes(data[3:5])]  # the ClientHello message, unframed
    # Re-frame it as three records of arbitrary sizes.
    cuts = [0, 7, 100, len(body)]
    framed = b"".join(
        bytes([22, 3, 1]) + (b - a).to_bytes(2, "big") + body[a:b]
        for a, b in itertools.pairwise(cuts)
    )
    parse = parse_tls(framed)
    assert names(parse) == ["client-hello"]
    assert parse.messages[0].offset == 5 and parse.messages[0].length == hello.length
    assert parse.sni == SNI and not parse.incomplete


def test_two_messages_in_one_record_and_one_split_across_records() -> None:
    hs = bytes([14, 0, 0, 0])  # server-hello-done, empty
    finished = bytes([20, 0, 0, 12]) + b"F" * 12
    record1 = bytes([22, 3, 3, 0, 4 + 6]) + hs + finished[:6]
    record2 = bytes([22, 3, 3, 0, 10]) + finished[6:]
    parse = parse_tls(record1 + record2)
    assert [(m.name, m.offset) for m in parse.messages] == [
        ("server-hello-done", 5),
        ("finished", 9),
    ]


def test_injected_plaintext_after_tls() -> None:
    tls = exchange().stream("client")[:205]  # the ClientHello record(s)
    injected = b"HTTP/1.0 200 OK\r\nX-Bypass-Cache: Application and Content Networking\r\n\r\n"
    parse = parse_tls(tls + injected)
    assert names(parse) == ["client-hello"]
    assert parse.non_tls_offset == len(tls)
    assert not parse.incomplete


def test_plaintext_from_the_first_byte() -> None:
    parse = parse_tls(b"HTTP/1.0 200 OK\r\n\r\n")
    assert parse.messages == () and parse.non_tls_offset == 0


@pytest.mark.parametrize("cut", [1, 3, 5, 50])
def test_stream_ending_mid_record_is_incomplete(cut: int) -> None:
    data = exchange().stream("server")
    parse = parse_tls(data[: len(data) - cut])
    assert parse.incomplete
    assert parse.non_tls_offset is None


def test_record_header_checks() -> None:
    assert parse_tls(bytes([24, 3, 3, 0, 1, 0])).non_tls_offset == 0  # heartbeat: not 20..23
    assert parse_tls(bytes([22, 3, 5, 0, 1, 0])).non_tls_offset == 0  # no version 0x0305
    assert parse_tls(bytes([22, 2, 0, 0, 1, 0])).non_tls_offset == 0  # SSL 2
    assert parse_tls(bytes([23, 3, 3, 0x48, 0x01])).non_tls_offset == 0  # 18433 > 2^14 + 2048
    assert parse_tls(bytes([23, 3, 3])).incomplete  # a header cut short
    assert parse_tls(b"GE").non_tls_offset == 0
    assert parse_tls(b"") == TlsParse(messages=(), non_tls_offset=None, incomplete=False)


def test_encrypted_alert_after_change_cipher_spec() -> None:
    ccs = bytes([20, 3, 3, 0, 1, 1])
    alert = bytes([21, 3, 3, 0, 26]) + b"\x99" * 26
    cleartext_looking = bytes([21, 3, 3, 0, 2, 2, 40])
    parse = parse_tls(ccs + alert + cleartext_looking)
    assert names(parse) == ["change-cipher-spec", "encrypted-alert", "encrypted-alert"]
    assert parse.messages[1].alert_description is None


def test_tables_follow_the_rfcs() -> None:
    assert ALERT_DESCRIPTIONS[40] == "handshake_failure"
    assert ALERT_DESCRIPTIONS[116] == "certificate_required"
    assert ALERT_DESCRIPTIONS[120] == "no_application_protocol"
    assert HANDSHAKE_NAMES[14] == "server-hello-done"
    assert HANDSHAKE_NAMES[8] == "encrypted-extensions"
