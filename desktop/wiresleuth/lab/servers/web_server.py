"""A lab web server: HTTPS (and plain HTTP) answering ``GET /`` with a small 200 response.

Options reproduce server-side faults: ``--dscp`` marks every packet (case C1), a large
certificate chain (made by the lab's PKI) makes the first flight span several segments,
and ``--reset-after`` reads the ClientHello, waits, then resets the connection (case C8).
Usage::

    python -m wiresleuth.lab.servers.web_server --name www.lab.test --address 100.64.1.10 \\
        --tls-port 443 --cert chain.pem --key key.pem --http-port 80
"""

from __future__ import annotations

import argparse
import http.server
import socket
import socketserver
import ssl
import sys
import time
from pathlib import Path

from wiresleuth.lab.servers.tcp_server import (
    MarkedTCPServer,
    close_with_reset,
    serve_until_signalled,
)

IO_TIMEOUT = 10.0
"""Seconds a client may take for each step (handshake, request)."""


class PageHandler(http.server.BaseHTTPRequestHandler):
    """Answers every GET with a short text page naming the server."""

    protocol_version = "HTTP/1.1"
    server_version = "WireSleuthLab/1.0"
    site_name = "lab"

    def setup(self) -> None:
        self.request.settimeout(IO_TIMEOUT)
        super().setup()

    def do_GET(self) -> None:
        body = f"wiresleuth lab: {self.site_name}\n".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def do_HEAD(self) -> None:
        # HEAD keeps the connection when asked: the proxy-path wizard's tunnel hold sends one
        # every few seconds, as a long-lived application session would (case C2).
        keep = self.headers.get("Connection", "").lower() == "keep-alive"
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.send_header("Connection", "keep-alive" if keep else "close")
        self.end_headers()
        self.close_connection = not keep


def _tls_handler(context: ssl.SSLContext, name: str) -> type[PageHandler]:
    class TlsPageHandler(PageHandler):
        site_name = name

        def setup(self) -> None:
            self.request.settimeout(IO_TIMEOUT)
            self.request = context.wrap_socket(self.request, server_side=True)
            super().setup()

        def handle(self) -> None:
            try:
                super().handle()
            except (ssl.SSLError, OSError) as exc:
                self.log_message("connection ended: %s", exc)

    return TlsPageHandler


def _reset_handler(seconds: float) -> type[socketserver.BaseRequestHandler]:
    class ResetHandler(socketserver.BaseRequestHandler):
        """Reads the ClientHello, waits, then resets: what the C8 load balancer does."""

        def setup(self) -> None:
            self.request.settimeout(IO_TIMEOUT)

        def handle(self) -> None:
            sock: socket.socket = self.request
            try:
                hello = sock.recv(65536)
            except OSError:
                hello = b""
            if hello:
                print(f"{self.client_address}: {len(hello)} bytes; reset in {seconds} s",
                      file=sys.stderr, flush=True)  # fmt: skip
                time.sleep(seconds)
            close_with_reset(sock)

    return ResetHandler


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", required=True, help="DNS name (shown in the page)")
    parser.add_argument("--address", required=True, help="address to listen on")
    parser.add_argument("--tls-port", type=int, help="HTTPS port (needs --cert and --key)")
    parser.add_argument("--cert", type=Path, help="PEM chain, leaf first")
    parser.add_argument("--key", type=Path, help="PEM private key")
    parser.add_argument("--http-port", type=int, help="plain HTTP port")
    parser.add_argument("--dscp", type=int, default=0, help="DSCP on every packet (0-63)")
    parser.add_argument("--reset-after", type=float, help="reset TLS connections after N s")
    parser.add_argument("--ready-file", type=Path, help="created once listening")
    args = parser.parse_args(argv)
    if args.tls_port and not (args.cert and args.key):
        parser.error("--tls-port needs --cert and --key")
    if not args.tls_port and not args.http_port:
        parser.error("give --tls-port, --http-port or both")
    if not 0 <= args.dscp <= 63:
        parser.error("--dscp must be 0-63")
    return args


def main(argv: list[str] | None = None) -> int:
    """Serve until SIGTERM."""
    args = _parse(argv)
    servers: list[MarkedTCPServer] = []
    if args.tls_port:
        handler: type[socketserver.BaseRequestHandler]
        if args.reset_after is not None:
            handler = _reset_handler(args.reset_after)
        else:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(args.cert, args.key)
            handler = _tls_handler(context, args.name)
        servers.append(MarkedTCPServer((args.address, args.tls_port), handler, dscp=args.dscp))
    if args.http_port:
        plain = type("PlainPageHandler", (PageHandler,), {"site_name": args.name})
        servers.append(MarkedTCPServer((args.address, args.http_port), plain, dscp=args.dscp))
    return serve_until_signalled(servers, args.ready_file)


if __name__ == "__main__":
    sys.exit(main())
