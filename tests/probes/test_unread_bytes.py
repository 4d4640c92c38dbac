"""Bytes waiting unread in a real socket pair: counted without being consumed."""

import socket

from wiresleuth.probes.unread_bytes import unread_bytes


def test_waiting_bytes_are_counted_and_left_in_place() -> None:
    a, b = socket.socketpair()
    with a, b:
        assert unread_bytes(b) == 0  # nothing came: no wait either
        a.sendall(b"HTTP/1.1 200 OK\r\n\r\n")
        b.settimeout(5)  # bounded: the pair delivers at once
        assert b.recv(1, socket.MSG_PEEK) == b"H"
        assert unread_bytes(b) == 19
        assert unread_bytes(b, limit=4) == 4
        assert b.recv(64) == b"HTTP/1.1 200 OK\r\n\r\n"  # peeked, not consumed
        assert unread_bytes(b) == 0


def test_a_closed_socket_tells_nothing() -> None:
    a, b = socket.socketpair()
    a.close()
    b.close()
    assert unread_bytes(b) == 0
