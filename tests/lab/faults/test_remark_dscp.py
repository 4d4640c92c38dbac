"""remark_dscp: the router re-marks what it forwards to one address, and only that."""

import socket

import pytest

from wiresleuth.lab.lab import Lab
from wiresleuth.lab.netns_socket import netns_socket

pytestmark = pytest.mark.lab


def _arriving_dscp(lab: Lab, destination: str, port: int) -> int:
    """The DSCP a datagram sent unmarked from client carries when it reaches ``destination``."""
    receiver = netns_socket(lab.names.ns("internet"), kind=socket.SOCK_DGRAM)
    sender = netns_socket(lab.names.ns("client"), kind=socket.SOCK_DGRAM)
    with receiver, sender:
        receiver.setsockopt(socket.IPPROTO_IP, socket.IP_RECVTOS, 1)
        receiver.bind((destination, port))
        receiver.settimeout(2.0)
        sender.sendto(b"mark me", (destination, port))
        _data, ancillary, _flags, _addr = receiver.recvmsg(64, 64)
    tos = next(data[0] for level, kind, data in ancillary if kind == socket.IP_TOS)
    return tos >> 2


def test_packets_to_the_address_arrive_re_marked(primitives_lab: Lab) -> None:
    assert _arriving_dscp(primitives_lab, "100.64.1.46", 40101) == 8
    assert _arriving_dscp(primitives_lab, "100.64.1.10", 40102) == 0  # another address
