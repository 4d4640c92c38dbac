"""The ICMP checksum (RFC 1071) and the wait for a socket with something to read."""

from __future__ import annotations

import asyncio
import socket

import pytest

from wiresleuth.probes.df_echo import echo_request as df_echo_request
from wiresleuth.probes.icmp_echo import _echo_request
from wiresleuth.probes.icmp_packet import internet_checksum, until_readable


def test_the_checksum_of_rfc_1071s_example() -> None:
    # RFC 1071 section 3: these bytes sum to 0xddf2; the checksum is its complement
    assert internet_checksum(bytes.fromhex("0001f203f4f5f6f7")) == 0x220D


def test_an_odd_length_is_padded_with_a_zero_byte() -> None:
    assert internet_checksum(b"\x01\x02\x03") == internet_checksum(b"\x01\x02\x03\x00")
    assert internet_checksum(b"\x01\x02\x03") != internet_checksum(b"\x01\x02")


@pytest.mark.parametrize(
    "packet",
    [_echo_request(False, 0x1234, 7), df_echo_request(0x1234, 7, 1500), df_echo_request(1, 2, 29)],
    ids=["rtt-echo", "df-echo-1500", "df-echo-odd"],
)
def test_an_echo_request_with_its_checksum_sums_to_zero(packet: bytes) -> None:
    assert packet[0] == 8 and internet_checksum(packet) == 0  # as a receiver verifies it


def test_until_readable_returns_once_something_arrives() -> None:
    async def scenario() -> bool:
        left, right = socket.socketpair()
        with left, right:
            left.setblocking(False)
            waiting = asyncio.ensure_future(until_readable(left))
            await asyncio.sleep(0.05)
            early = waiting.done()
            right.send(b"x")
            await asyncio.wait_for(waiting, 5)
            return early

    assert asyncio.run(scenario()) is False
