"""Loopback servers for the PAC probes' tests: scripted TCP answers and a small DNS server.

Only 127.0.0.1 is ever used; every server stops within a second of leaving its ``with``.
"""

from __future__ import annotations

import socket
import socketserver
import threading
import time
from types import TracebackType
from typing import Self

import dns.message
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset


class _ServedInThread:
    """A socketserver served by a thread while the ``with`` block runs (0.05 s polls, so it
    stops at once on leaving)."""

    def _serve(self, server: socketserver.BaseServer) -> None:
        self.server = server
        self.port = int(server.server_address[1])
        self.thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.server.shutdown()
        self.server.server_close()


class ScriptedTcp(_ServedInThread):
    """Accept on 127.0.0.1; read the request; after ``wait`` s send ``reply``; then close or hold."""

    def __init__(self, reply: bytes = b"", *, wait: float = 0.0, hold: float = 0.0) -> None:
        self.reply = reply
        self.wait = wait
        self.hold = hold
        self.requests: list[bytes] = []
        outer = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                sock: socket.socket = self.request
                sock.settimeout(2.0)
                try:
                    outer.requests.append(sock.recv(65536))
                except OSError:
                    return
                time.sleep(outer.wait)
                if outer.reply:
                    try:
                        sock.sendall(outer.reply)
                    except OSError:
                        return
                end = time.monotonic() + outer.hold
                while time.monotonic() < end:
                    time.sleep(0.05)

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self._serve(Server(("127.0.0.1", 0), Handler))


def http_reply(
    status: str, body: bytes = b"", *, server: str = "test", ctype: str = "text/plain"
) -> bytes:
    """A complete HTTP/1.1 response."""
    head = (
        f"HTTP/1.1 {status}\r\nServer: {server}\r\nContent-Type: {ctype}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + body


class MapDns(_ServedInThread):
    """A loopback UDP DNS server answering A queries from a map (TTL given), NXDOMAIN else.

    ``silent`` names get no answer at all (a resolver that times out).
    """

    def __init__(
        self, records: dict[str, str], *, ttl: int = 60, silent: tuple[str, ...] = ()
    ) -> None:
        self.records = {k.rstrip(".").lower(): v for k, v in records.items()}
        self.ttl = ttl
        self.silent = {s.lower() for s in silent}
        self.queries: list[str] = []
        outer = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                data, sock = self.request
                query = dns.message.from_wire(data)
                question = query.question[0]
                name = str(question.name).rstrip(".").lower()
                outer.queries.append(name)
                if name in outer.silent:
                    return
                answer = dns.message.make_response(query)
                address = outer.records.get(name)
                if address is None:
                    answer.set_rcode(dns.rcode.NXDOMAIN)
                elif question.rdtype == dns.rdatatype.A:
                    answer.answer.append(
                        dns.rrset.from_text(
                            question.name, outer.ttl, dns.rdataclass.IN, dns.rdatatype.A, address
                        )
                    )
                sock.sendto(answer.to_wire(), self.client_address)

        class Server(socketserver.ThreadingUDPServer):
            daemon_threads = True

        self._serve(Server(("127.0.0.1", 0), Handler))
