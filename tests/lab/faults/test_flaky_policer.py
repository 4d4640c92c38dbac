"""flaky_drop_dscp_length: large AF11 packets are dropped part of the time, and pass otherwise."""

import socket

import pytest

from wiresleuth.lab import addresses
from wiresleuth.lab.lab import Lab
from wiresleuth.lab.netns_socket import netns_socket

pytestmark = pytest.mark.lab

AF11_TOS = 10 << 2


def test_large_marked_packets_come_and_go_small_ones_always_pass(primitives_lab: Lab) -> None:
    """Over 6 s (1.5 cycles of 2 s on, 2 s off) some large AF11 datagrams arrive and some do
    not; every small one arrives. Bounded: 24 sends, each waited for 0.25 s at most."""
    receiver = netns_socket(primitives_lab.names.ns("client"), kind=socket.SOCK_DGRAM)
    sender = netns_socket(primitives_lab.names.ns("internet"), kind=socket.SOCK_DGRAM)
    large: list[bool] = []
    small: list[bool] = []
    with receiver, sender:
        receiver.bind((addresses.CLIENT, 40011))
        receiver.settimeout(0.25)
        sender.setsockopt(socket.IPPROTO_IP, socket.IP_TOS, AF11_TOS)
        for n in range(24):
            size = 1000 if n % 2 == 0 else 600
            sender.sendto(bytes([n]) * size, (addresses.CLIENT, 40011))
            try:
                got = receiver.recv(65536)
                arrived = got == bytes([n]) * size
            except TimeoutError:
                arrived = False
            (large if size == 1000 else small).append(arrived)
    assert True in large and False in large, large
    assert all(small), small
