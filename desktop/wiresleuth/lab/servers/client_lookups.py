"""A client's name lookups in the lab: every ``--interval`` seconds it asks ``--server`` for
each name, and asks again (``--tries``) when no answer comes within ``--timeout``, as a stub
resolver does. It drives the DNS traffic the passive diagnoses are proved on. Usage::

    python -m wiresleuth.lab.servers.client_lookups --server 100.64.1.91 \\
        --name app.lab.test --tries 3 --timeout 1
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import dns.exception
import dns.message
import dns.query
import dns.rcode

from wiresleuth.lab.servers.lifecycle import mark_ready, repeat_every, stop_on_signals


def lookup(server: str, name: str, *, tries: int, timeout: float) -> str:
    """Ask until answered or out of tries; the outcome in words."""
    for _ in range(tries):
        query = dns.message.make_query(name, "A")
        try:
            answer = dns.query.udp(query, server, timeout=timeout)
        except dns.exception.Timeout:
            continue
        except (dns.exception.DNSException, OSError) as exc:
            return f"{name}: {exc}"
        return f"{name}: {dns.rcode.to_text(answer.rcode())} {[str(r) for r in answer.answer]}"
    return f"{name}: no answer in {tries} tries"


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", required=True)
    parser.add_argument("--name", action="append", required=True)
    parser.add_argument("--interval", type=float, default=10.0)
    parser.add_argument("--tries", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=1.0)
    parser.add_argument("--ready-file", type=Path)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Look up until SIGTERM."""
    args = _parse(argv)
    stop = stop_on_signals()
    mark_ready(args.ready_file)

    def look_up_all() -> None:
        for name in args.name:
            print(lookup(args.server, name, tries=args.tries, timeout=args.timeout),
                  file=sys.stderr, flush=True)  # fmt: skip

    repeat_every(args.interval, stop, look_up_all)
    return 0


if __name__ == "__main__":
    sys.exit(main())
