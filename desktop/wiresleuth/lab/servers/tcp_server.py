"""A threading TCP server that marks its packets with a DSCP, shared by the lab's servers.

IP_TOS is set on the listening socket and again on every accepted socket: on this kernel
the SYN-ACK otherwise leaves unmarked, and the point of a DSCP fault is that every packet
from the server carries the mark.
"""

from __future__ import annotations

import contextlib
import socket
import socketserver
import struct
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from wiresleuth.lab.servers.lifecycle import mark_ready, stop_on_signals


class MarkedTCPServer(socketserver.ThreadingTCPServer):
    """ThreadingTCPServer with SO_REUSEADDR and an optional DSCP on all its packets."""

    allow_reuse_address = True
    daemon_threads = True
    request_queue_size = 64

    def __init__(
        self,
        address: tuple[str, int],
        handler: type[socketserver.BaseRequestHandler],
        *,
        dscp: int = 0,
    ) -> None:
        self.tos = dscp << 2
        super().__init__(address, handler, bind_and_activate=False)
        try:
            if self.tos:
                self.socket.setsockopt(socket.IPPROTO_IP, socket.IP_TOS, self.tos)
            self.server_bind()
            self.server_activate()
        except OSError:
            self.server_close()
            raise

    def handle_error(self, request: Any, client_address: Any) -> None:
        """One line per failed connection (clients that reset mid-handshake are normal here)."""
        error = sys.exc_info()[1]
        print(f"{client_address}: {type(error).__name__}: {error}", file=sys.stderr, flush=True)

    def get_request(self) -> tuple[Any, Any]:
        """Accept, then mark the new socket too."""
        sock, peer = super().get_request()
        if self.tos:
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_TOS, self.tos)
        return sock, peer


def close_with_reset(sock: socket.socket) -> None:
    """Close so that the kernel sends an RST instead of a FIN (SO_LINGER on, timeout 0)."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def close_with_fin(sock: socket.socket, *, drain_timeout: float = 5.0) -> None:
    """Send FIN, read what the peer still sends (so no RST replaces our FIN), then close."""
    deadline = time.monotonic() + drain_timeout
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_WR)
        while (left := deadline - time.monotonic()) > 0:
            sock.settimeout(left)
            if not sock.recv(65536):
                break
    sock.close()


def serve_until_signalled(
    servers: Sequence[socketserver.BaseServer], ready_file: Path | None
) -> int:
    """Serve every server in a thread, say ready, and stop them all on SIGTERM or SIGINT."""
    stop = stop_on_signals()
    for server in servers:
        threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True
        ).start()
    mark_ready(ready_file)
    while not stop.wait(0.5):
        pass
    for server in servers:
        server.shutdown()
        server.server_close()
    return 0
