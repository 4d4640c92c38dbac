"""A socket's error queue (Linux ``IP_RECVERR``): the ICMP errors its packets met, and who
sent them.

The MTU sweep (``df_echo``) and the TTL-limited probes (``ttl_probes``) both read what a
router said about their packets from here: the error, the ICMP type and code, the router's
address and the quoted packet. The kernel's ``sock_extended_err`` layout is read by hand:
Python's socket module has no parser for it.
"""

from __future__ import annotations

import socket
import struct
import sys
from dataclasses import dataclass

IP_RECVERR = getattr(socket, "IP_RECVERR", 11)
"""Socket option that queues ICMP errors, with their sender, on the socket."""
_MSG_ERRQUEUE = getattr(socket, "MSG_ERRQUEUE", 0x2000)
_SO_EE_ORIGIN_ICMP = 2
_EXTENDED_ERR = struct.Struct("=IBBBBII")  # errno, origin, type, code, pad, info, data


def parse_extended_error(ancillary: list[tuple[int, int, bytes]]) -> tuple[int, int, int, int]:
    """(errno, ICMP type, ICMP code, info) from an IP_RECVERR control message; info is the
    MTU for "fragmentation needed". Type and code are -1 when the error is not from ICMP.
    ValueError when there is no such message."""
    for level, kind, data in ancillary:
        if level == socket.IPPROTO_IP and kind == IP_RECVERR and len(data) >= _EXTENDED_ERR.size:
            err, origin, icmp_type, code, _pad, info, _data = _EXTENDED_ERR.unpack_from(data)
            if origin == _SO_EE_ORIGIN_ICMP:
                return err, icmp_type, code, info
            return err, -1, -1, info
    raise ValueError("no extended error in the control messages")


def offender(ancillary: list[tuple[int, int, bytes]]) -> str | None:
    """The address of the router that sent the error (after the extended error struct)."""
    for level, kind, data in ancillary:
        if level == socket.IPPROTO_IP and kind == IP_RECVERR:
            rest = data[_EXTENDED_ERR.size :]
            if len(rest) >= 8 and int.from_bytes(rest[0:2], sys.byteorder) == socket.AF_INET:
                return socket.inet_ntoa(rest[4:8])
    return None


@dataclass(frozen=True, kw_only=True)
class QueuedError:
    """One ICMP error read from a socket's error queue: what the kernel recorded about it
    (``sock_extended_err``), who sent it, and the part of our packet it quoted."""

    errno: int
    """The error the socket reports for it (EHOSTUNREACH for time exceeded, EMSGSIZE for a
    packet this computer would not send)."""
    icmp_type: int
    """ICMP type (-1 when the error did not come from ICMP)."""
    icmp_code: int
    """ICMP code."""
    info: int
    """The error's figure: the next-hop MTU for "fragmentation needed", or this computer's
    own MTU for EMSGSIZE (0 when none)."""
    sender: str | None
    """Address of the router that sent it."""
    quote: bytes
    """The quoted transport header and what follows it."""


def read_error_queue(sock: socket.socket, most: int | None = 16) -> list[QueuedError]:
    """Drain up to ``most`` errors (None: all there are) from the socket's error queue,
    without blocking; empty where there is none. Entries that are not extended errors are
    passed over."""
    found: list[QueuedError] = []
    read = 0
    while most is None or read < most:
        read += 1
        try:
            data, ancillary, _flags, _addr = sock.recvmsg(
                2048, 512, _MSG_ERRQUEUE | socket.MSG_DONTWAIT
            )
        except OSError:  # BlockingIOError: the queue is empty
            break
        try:
            err, icmp_type, icmp_code, info = parse_extended_error(ancillary)
        except ValueError:
            continue
        sender = offender(ancillary)
        found.append(
            QueuedError(errno=err, icmp_type=icmp_type, icmp_code=icmp_code, info=info,
                        sender=sender, quote=bytes(data))
        )  # fmt: skip
    return found
