"""drop_dscp_length: a large EF packet is dropped; a small EF one and a large unmarked one pass."""

import socket
import ssl

import pytest

from tests.lab.helpers import connect
from wiresleuth.lab import addresses
from wiresleuth.lab.lab import Lab
from wiresleuth.lab.netns_socket import netns_socket

pytestmark = pytest.mark.lab

EF_TOS = 46 << 2


def _udp_arrives(lab: Lab, *, tos: int, size: int, port: int) -> bool:
    receiver = netns_socket(lab.names.ns("client"), kind=socket.SOCK_DGRAM)
    sender = netns_socket(lab.names.ns("internet"), kind=socket.SOCK_DGRAM)
    with receiver, sender:
        receiver.bind((addresses.CLIENT, port))
        receiver.settimeout(1.0)
        sender.setsockopt(socket.IPPROTO_IP, socket.IP_TOS, tos)
        sender.sendto(b"x" * size, (addresses.CLIENT, port))
        try:
            return len(receiver.recv(65536)) == size
        except TimeoutError:
            return False


def test_only_large_ef_packets_are_dropped(primitives_lab: Lab) -> None:
    assert not _udp_arrives(primitives_lab, tos=EF_TOS, size=1000, port=40001)
    assert _udp_arrives(primitives_lab, tos=EF_TOS, size=600, port=40002)  # 628 B on the wire
    assert _udp_arrives(primitives_lab, tos=0, size=1000, port=40003)


def _client_hello() -> bytes:
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = ssl.create_default_context().wrap_bio(incoming, outgoing, server_hostname="ef.lab.test")
    with pytest.raises(ssl.SSLWantReadError):
        tls.do_handshake()
    return outgoing.read()


def test_c1_by_hand_default_mss_stalls_and_mss_536_passes(primitives_lab: Lab) -> None:
    """The EF server's TLS first flight never arrives at full size; at MSS 536 it does."""
    client = primitives_lab.names.ns("client")
    for mss, expect_data in ((536, True), (None, False)):
        sock, seconds = connect(client, "100.64.1.20", 443, mss=mss, timeout=2.0)
        with sock:
            assert seconds < 0.3  # the SYN-ACK (60 B, EF) is small enough to pass
            sock.sendall(_client_hello())
            try:
                got = len(sock.recv(65536))
            except TimeoutError:
                got = 0
        assert (got > 0) is expect_data, f"mss={mss}: received {got} bytes"
