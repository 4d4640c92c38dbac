"""A socket's error queue: a real ICMP error on loopback, and the kernel's record parsed."""

from __future__ import annotations

import select
import socket
import struct
import sys

import pytest

from tests.probes.loopback_servers import refusing_port
from wiresleuth.probes.error_queue import (
    IP_RECVERR,
    offender,
    parse_extended_error,
    read_error_queue,
)

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="IP_RECVERR is Linux's"
)


def test_a_port_unreachable_is_read_with_its_sender_and_quote() -> None:
    with (
        refusing_port(socket.SOCK_DGRAM) as port,
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock,
    ):
        sock.setsockopt(socket.IPPROTO_IP, IP_RECVERR, 1)
        sock.connect(("127.0.0.1", port))
        assert read_error_queue(sock) == []  # nothing yet, and no blocking
        sock.send(b"probe one")
        readable, _, _ = select.select([sock], [], [], 5)  # epoll/select: errors are readable
        assert readable
        assert read_error_queue(sock, most=0) == []  # bounded: nothing read
        (queued,) = read_error_queue(sock, most=None)
    assert (queued.icmp_type, queued.icmp_code, queued.sender) == (3, 3, "127.0.0.1")
    assert queued.quote == b"probe one" and queued.errno == 111  # ECONNREFUSED


def _record(origin: int, icmp_type: int, code: int, info: int, sender: str) -> bytes:
    extended = struct.pack("=IBBBBII", 113, origin, icmp_type, code, 0, info, 0)
    address = struct.pack("=H", socket.AF_INET) + b"\0\0" + socket.inet_aton(sender) + b"\0" * 8
    return extended + address


def test_a_fragmentation_needed_record_gives_the_mtu_and_the_router() -> None:
    ancillary = [(socket.IPPROTO_IP, IP_RECVERR, _record(2, 3, 4, 1400, "100.64.0.1"))]
    assert parse_extended_error(ancillary) == (113, 3, 4, 1400)
    assert offender(ancillary) == "100.64.0.1"


def test_an_error_not_from_icmp_has_no_type_and_no_message_is_refused() -> None:
    local = [(socket.IPPROTO_IP, IP_RECVERR, _record(1, 0, 0, 1500, "0.0.0.0"))]
    assert parse_extended_error(local) == (113, -1, -1, 1500)
    with pytest.raises(ValueError, match="no extended error"):
        parse_extended_error([(socket.SOL_SOCKET, 1, b"")])
    assert offender([]) is None
