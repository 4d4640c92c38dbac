"""A lab HTTP server that serves one file at one path and 404 everywhere else.

It plays the PAC server (a valid PAC, an endless-loop PAC) and the web server an Internet
provider's NXDOMAIN-rewriting resolver sends every unknown name to (C4). The Server header
is configurable, so a report can be checked for naming who answered. Usage::

    python -m wiresleuth.lab.servers.file_server --address 100.64.1.70 --port 80 \\
        --path /proxy.pac --body-file pac.js --content-type application/x-ns-proxy-autoconfig
"""

from __future__ import annotations

import argparse
import http.server
import sys
from pathlib import Path

from wiresleuth.lab.servers.tcp_server import MarkedTCPServer, serve_until_signalled

IO_TIMEOUT = 10.0
"""Seconds a client may take to send its request."""


def _handler(
    path: str, body: bytes, status: int, content_type: str, server: str
) -> type[http.server.BaseHTTPRequestHandler]:
    class FileHandler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            self.request.settimeout(IO_TIMEOUT)
            super().setup()

        def version_string(self) -> str:
            return server

        def do_GET(self) -> None:
            if path and self.path.split("?", 1)[0] == path:
                code, payload, kind = status, body, content_type
            else:
                code, payload, kind = 404, b"Not Found\n", "text/plain"
            self.send_response(code)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(payload)
            self.close_connection = True

    return FileHandler


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--address", required=True)
    parser.add_argument("--port", type=int, default=80)
    parser.add_argument("--path", default="", help="the one path served (empty: 404 everywhere)")
    parser.add_argument("--body-file", type=Path, help="bytes served at --path")
    parser.add_argument("--status", type=int, default=200)
    parser.add_argument("--content-type", default="application/x-ns-proxy-autoconfig")
    parser.add_argument("--server", default="WireSleuthLab-files/1.0", help="Server header")
    parser.add_argument("--ready-file", type=Path)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Serve until SIGTERM."""
    args = _parse(argv)
    body = args.body_file.read_bytes() if args.body_file else b""
    handler = _handler(args.path, body, args.status, args.content_type, args.server)
    server = MarkedTCPServer((args.address, args.port), handler)
    return serve_until_signalled([server], args.ready_file)


if __name__ == "__main__":
    sys.exit(main())
