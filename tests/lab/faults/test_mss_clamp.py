"""mss_clamp: the router lowers the MSS option of SYNs to and from one address only."""

import socket

import pytest

from tests.lab.helpers import connect
from wiresleuth.lab.lab import Lab

pytestmark = pytest.mark.lab


def _segment_size(lab: Lab, address: str) -> int:
    """The largest segment a connection from client may send (TCP_MAXSEG after connect): the
    smaller of the two MSS options, less the timestamp option."""
    sock, _seconds = connect(lab.names.ns("client"), address, 80)
    with sock:
        return sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG)


def test_connections_to_the_clamped_address_get_the_lower_mss(primitives_lab: Lab) -> None:
    assert 1150 <= _segment_size(primitives_lab, "100.64.1.46") <= 1200
    assert _segment_size(primitives_lab, "100.64.1.10") > 1400  # another address: untouched
