from __future__ import annotations

import os
import socket
import sys

import pytest

from wiresleuth.platform.own_sockets import own_socket_inodes


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/fd")
def test_an_open_socket_is_listed_until_closed() -> None:
    sock = socket.socket()
    inode = str(os.fstat(sock.fileno()).st_ino)
    try:
        assert inode in own_socket_inodes()
    finally:
        sock.close()
    assert inode not in own_socket_inodes()
