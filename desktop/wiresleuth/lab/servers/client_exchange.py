"""A client program in the lab: every ``--interval`` seconds it connects to a server, waits,
sends a request (and an upload), and reads the answer. It drives the traffic the passive
diagnoses are proved on: a client that waits before its request (``--wait-before``), and
connections to a refusing port, a dropped port, a slow server or a receiver that stops
reading. Usage::

    python -m wiresleuth.lab.servers.client_exchange --address 100.64.1.90 --port 80 \\
        --wait-before 1.5 --request 'GET / HTTP/1.0\\r\\n\\r\\n'
"""

from __future__ import annotations

import argparse
import socket
import sys
import threading
import time
from pathlib import Path

from wiresleuth.lab.servers.lifecycle import mark_ready, repeat_every, stop_on_signals


def exchange(args: argparse.Namespace, stop: threading.Event) -> str:
    """One connection; what happened, in words."""
    request = args.request.encode().decode("unicode_escape").encode("latin-1")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(args.connect_timeout)
        try:
            sock.connect((args.address, args.port))
        except OSError as exc:
            return f"connect failed: {exc}"
        if stop.wait(args.wait_before):
            return "stopped"
        try:
            sock.sendall(request + b"u" * args.upload)
            if args.half_close:
                sock.shutdown(socket.SHUT_WR)
        except OSError as exc:
            return f"send failed: {exc}"
        got = 0
        deadline = time.monotonic() + args.read_timeout
        try:
            while (left := deadline - time.monotonic()) > 0:
                sock.settimeout(left)
                chunk = sock.recv(65536)
                if not chunk:
                    break
                got += len(chunk)
        except OSError as exc:
            return f"read {got} bytes, then {exc}"
        return f"read {got} bytes"


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--address", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--interval", type=float, default=5.0)
    parser.add_argument("--wait-before", type=float, default=0.0)
    parser.add_argument("--request", default="")
    parser.add_argument("--upload", type=int, default=0, help="bytes sent after the request")
    parser.add_argument("--connect-timeout", type=float, default=4.0)
    parser.add_argument("--read-timeout", type=float, default=8.0)
    parser.add_argument("--half-close", action="store_true", help="FIN after the request")
    parser.add_argument("--ready-file", type=Path)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Exchange until SIGTERM."""
    args = _parse(argv)
    stop = stop_on_signals()
    mark_ready(args.ready_file)
    repeat_every(
        args.interval, stop, lambda: print(exchange(args, stop), file=sys.stderr, flush=True)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
