"""Reading ICMP quotes and finding the hop that rewrote a field (tracebox's comparison).

The bytes are real: quotes the lab's routers sent (tests/analysis/samples/hops/mss-clamp,
frames 69 and 71) and a quote a Linux socket's error queue returned for a SYN.
"""

from __future__ import annotations

from wiresleuth.analysis.hop_quotes import (
    HeaderFields,
    QuotedHop,
    captured_quote,
    rewrites,
    tcp_fields,
)

# ICMP time exceeded from hop 1 (198.18.1.1) and hop 2 (100.64.2.2) quoting a SYN to
# 100.64.1.45:443: hop 1 quotes DSCP 0 and MSS 1460, hop 2 DSCP 8 (TOS 0x20) and MSS 1200.
HOP1 = bytes.fromhex(
    "000000004500003c3186400001061badc612010a6440012dc4c401bbec976f1d00000000a002faf02cb8"
    "0000020405b40402080ad4f24e9200000000"
)
HOP2 = bytes.fromhex(
    "000000004520003cfaaf400001065263c612010a6440012dc4ca01bb95a2dc4700000000a002faf02cb8"
    "0000020404b00402080a406b257400000000"
)
# What recvmsg(MSG_ERRQUEUE) gave for a SYN that expired: the TCP header and its options.
SOCKET_QUOTE = bytes.fromhex(
    "af1e005037494fc000000000a002faf02b8d0000020405b40402080a775dfee8000000000103030a"
)


def test_a_captured_quote_gives_the_ports_dscp_window_and_mss() -> None:
    one, two = captured_quote(HOP1), captured_quote(HOP2)
    assert one is not None and two is not None
    assert (one.proto, one.dst, one.sport) == (6, "100.64.1.45", 0xC4C4)
    assert one.fields == HeaderFields(mss=1460, dscp=0, window=64240)
    assert two.fields == HeaderFields(mss=1200, dscp=8, window=64240)
    assert two.seq == 0x95A2DC47


def test_an_echo_quote_gives_identifier_and_sequence() -> None:
    echo = bytes.fromhex(
        "000000004520003006b940000101466bc612010a6440012d08002415fdb10002"
        "77697265736c657574682d686f702d70726f6265"
    )
    quote = captured_quote(echo)
    assert quote is not None and (quote.proto, quote.ident, quote.seq) == (1, 0xFDB1, 2)
    assert quote.fields.dscp == 8


def test_the_socket_quote_is_a_tcp_header_with_options() -> None:
    assert tcp_fields(SOCKET_QUOTE) == HeaderFields(mss=1460, window=64240)
    assert tcp_fields(SOCKET_QUOTE[:8]) == HeaderFields()  # only the ports and sequence
    assert tcp_fields(SOCKET_QUOTE[:20]).mss is None  # no options quoted


def test_unreadable_quotes_are_none() -> None:
    assert captured_quote(b"\x00" * 8) is None
    assert captured_quote(b"\x00\x00\x00\x00" + b"\x60" + b"\x00" * 40) is None  # IPv6


def _hop(
    ttl: int, mss: int | None, *, sent: int | None = None, dscp: int | None = None
) -> QuotedHop:
    return QuotedHop(
        ttl=ttl, address=f"10.0.0.{ttl}", fields=HeaderFields(mss=mss, dscp=dscp),
        sent=HeaderFields(mss=sent, dscp=0) if sent is not None else None,
    )  # fmt: skip


def test_a_change_is_placed_between_the_last_hop_quoting_the_old_value_and_the_first_new() -> None:
    [found] = rewrites([_hop(3, 1200), _hop(1, 1460), _hop(2, 1200)])
    assert (found.field, found.sent, found.seen, found.baseline) == ("MSS option", 1460, 1200,
                                                                      "first quote")  # fmt: skip
    assert found.before is not None and found.before.ttl == 1 and found.at.ttl == 2


def test_nothing_changed_is_no_rewrite() -> None:
    assert rewrites([_hop(1, 1460), _hop(2, 1460)]) == []


def test_with_the_sent_packet_a_change_before_hop_1_shows() -> None:
    [mss] = rewrites([_hop(1, 1380, sent=1460, dscp=0), _hop(2, 1380, sent=1460, dscp=0)])
    assert (mss.field, mss.sent, mss.seen, mss.before, mss.at.ttl) == ("MSS option", 1460, 1380,
                                                                       None, 1)  # fmt: skip
    assert mss.baseline == "sent"  # the DSCP, 0 as sent and as quoted, is no rewrite
