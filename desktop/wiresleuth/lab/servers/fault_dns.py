"""A name server that fails the way broken resolvers do: SERVFAIL, REFUSED, silence, or an
address for every name (a resolver that answers everything, even names that do not exist).

Usage::

    python -m wiresleuth.lab.servers.fault_dns --address 100.64.1.91 --mode servfail
    python -m wiresleuth.lab.servers.fault_dns --address 100.64.1.92 --mode answer-all \\
        --answer 100.64.1.80
"""

from __future__ import annotations

import argparse
import socketserver
import sys
from pathlib import Path

import dns.exception
import dns.flags
import dns.message
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset

from wiresleuth.lab.servers.tcp_server import serve_until_signalled

MODES = ("servfail", "refused", "silent", "answer-all")
ANSWER_TTL = 60


def answer(
    query: dns.message.Message, mode: str, address: str | None
) -> dns.message.Message | None:
    """What the failing server sends back (None: nothing). Pure; tested without sockets."""
    if mode == "silent":
        return None
    reply = dns.message.make_response(query)
    reply.flags |= dns.flags.RA
    if mode == "servfail":
        reply.set_rcode(dns.rcode.SERVFAIL)
    elif mode == "refused":
        reply.set_rcode(dns.rcode.REFUSED)
    elif query.question and query.question[0].rdtype == dns.rdatatype.A and address:
        name = query.question[0].name
        reply.answer.append(
            dns.rrset.from_text(name, ANSWER_TTL, dns.rdataclass.IN, dns.rdatatype.A, address)
        )
    return reply


def handler_for(mode: str, address: str | None) -> type[socketserver.BaseRequestHandler]:
    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            data, sock = self.request
            try:
                query = dns.message.from_wire(data)
            except dns.exception.DNSException as exc:
                print(f"{self.client_address}: {exc}", file=sys.stderr, flush=True)
                return
            reply = answer(query, mode, address)
            name = query.question[0].name if query.question else "?"
            print(f"{self.client_address}: {name} -> {mode}", file=sys.stderr, flush=True)
            if reply is not None:
                sock.sendto(reply.to_wire(), self.client_address)

    return Handler


class _Server(socketserver.ThreadingUDPServer):
    allow_reuse_address = True
    daemon_threads = True


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--address", required=True)
    parser.add_argument("--port", type=int, default=53)
    parser.add_argument("--mode", choices=MODES, required=True)
    parser.add_argument("--answer", default=None, help="address answered in answer-all mode")
    parser.add_argument("--ready-file", type=Path)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Answer (or not) until SIGTERM."""
    args = _parse(argv)
    server = _Server((args.address, args.port), handler_for(args.mode, args.answer))
    return serve_until_signalled([server], args.ready_file)


if __name__ == "__main__":
    sys.exit(main())
