"""A lab DNS forwarder that rewrites answers the way some resolvers do (case C4).

It stands between the client and the lab's dnsmasq (the router REDIRECTs the client's DNS to
it), asks dnsmasq every question, and changes the answer: ``--nxdomain-address`` turns every
NXDOMAIN for an A query into that address (an Internet provider's "search page" resolver;
AAAA queries then get an empty NOERROR, as such resolvers answer), and ``--ttl`` sets the TTL
of every record (a long-lived PAC record). dnsmasq has no option that rewrites NXDOMAIN
(``--address=/#/ADDR`` answers every name without a hosts entry with ADDR, never forwarding it; ``--bogus-nxdomain`` does the reverse), hence this small server. Usage::

    python -m wiresleuth.lab.servers.rewriting_dns --listen 0.0.0.0 --port 20053 \\
        --upstream 100.64.0.53 --nxdomain-address 100.64.1.80
"""

from __future__ import annotations

import argparse
import socketserver
import sys
from pathlib import Path

import dns.exception
import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset

from wiresleuth.lab.servers.tcp_server import serve_until_signalled

UPSTREAM_TIMEOUT = 2.0
REWRITE_TTL = 60
"""TTL of invented answers when --ttl is not given."""


def rewrite(
    query: dns.message.Message,
    answer: dns.message.Message,
    *,
    nxdomain_address: str | None,
    ttl: int | None,
) -> dns.message.Message:
    """The answer as the rewriting resolver sends it (pure; tested without sockets)."""
    if nxdomain_address and answer.rcode() == dns.rcode.NXDOMAIN and query.question:
        question = query.question[0]
        fake = dns.message.make_response(query)
        fake.flags |= dns.flags.RA
        if question.rdtype == dns.rdatatype.A:
            fake.answer.append(
                dns.rrset.from_text(
                    question.name, ttl or REWRITE_TTL, dns.rdataclass.IN, dns.rdatatype.A,
                    nxdomain_address,
                )
            )  # fmt: skip
        answer = fake
    if ttl is not None:
        for rrset in answer.answer:
            rrset.ttl = ttl
    return answer


def handler_for(
    upstream: str, nxdomain_address: str | None, ttl: int | None, *, upstream_port: int = 53
) -> type[socketserver.BaseRequestHandler]:
    """The request handler: ask ``upstream``, rewrite, answer."""

    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            data, sock = self.request
            try:
                query = dns.message.from_wire(data)
                answer = dns.query.udp(
                    query, upstream, timeout=UPSTREAM_TIMEOUT, port=upstream_port
                )
            except (dns.exception.DNSException, OSError) as exc:
                print(f"{self.client_address}: {exc}", file=sys.stderr, flush=True)
                return
            sent = rewrite(query, answer, nxdomain_address=nxdomain_address, ttl=ttl)
            name = query.question[0].name if query.question else "?"
            print(
                f"{self.client_address}: {name} {dns.rcode.to_text(answer.rcode())} -> "
                f"{dns.rcode.to_text(sent.rcode())} {[str(r) for r in sent.answer]}",
                file=sys.stderr,
                flush=True,
            )
            sock.sendto(sent.to_wire(), self.client_address)

    return Handler


class ForwarderServer(socketserver.ThreadingUDPServer):
    """Threaded UDP server, one thread per query."""

    allow_reuse_address = True
    daemon_threads = True


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", default="0.0.0.0")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--upstream", required=True)
    parser.add_argument("--nxdomain-address", default=None)
    parser.add_argument("--ttl", type=int, default=None)
    parser.add_argument("--ready-file", type=Path)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Forward and rewrite until SIGTERM."""
    args = _parse(argv)
    server = ForwarderServer(
        (args.listen, args.port), handler_for(args.upstream, args.nxdomain_address, args.ttl)
    )
    return serve_until_signalled([server], args.ready_file)


if __name__ == "__main__":
    sys.exit(main())
