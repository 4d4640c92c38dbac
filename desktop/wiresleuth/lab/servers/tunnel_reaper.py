"""Closes proxy tunnels a fixed time after they were opened, however busy they are (case C2).

Squid's ``client_lifetime`` is reset by traffic on a CONNECT tunnel, so it cannot model a
proxy that drops meetings ~45 s after set-up. This process runs in the ``proxy`` namespace,
notes when each of Squid's upstream connections first appears (``ss``), and destroys it
after ``--lifetime`` seconds (``ss -K``, kernel INET_DIAG_DESTROY). Squid then ends the
client side of the tunnel itself: the client sees a FIN from the proxy, as in the field.
Usage::

    python -m wiresleuth.lab.servers.tunnel_reaper --lifetime 8 --proxy-port 3128
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from wiresleuth.lab.servers.lifecycle import mark_ready, stop_on_signals

POLL = 0.2
"""Seconds between looks at the socket table."""

Key = tuple[str, str, str, str]


def parse_established(text: str, proxy_port: int) -> list[Key]:
    """(local ip, local port, peer ip, peer port) of Squid's upstream connections in
    ``ss -Htn state established`` output (connections to its own port are client sides)."""
    found: list[Key] = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) < 4:
            continue
        local, peer = fields[-2], fields[-1]
        lip, _, lport = local.rpartition(":")
        pip, _, pport = peer.rpartition(":")
        if not lport.isdigit() or not pport.isdigit() or int(lport) == proxy_port:
            continue
        found.append((lip.strip("[]"), lport, pip.strip("[]"), pport))
    return found


def _kill(key: Key) -> None:
    lip, lport, pip, pport = key
    subprocess.run(
        ["ss", "-K", "src", lip, "dst", pip, "sport", "=", f":{lport}", "dport", "=", f":{pport}"],
        capture_output=True,
        timeout=5,
        check=False,
    )
    print(f"closed upstream {lip}:{lport} -> {pip}:{pport}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    """Reap until SIGTERM."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lifetime", type=float, required=True, help="seconds a tunnel may live")
    parser.add_argument("--proxy-port", type=int, default=3128)
    parser.add_argument("--ready-file", type=Path, help="created once running")
    args = parser.parse_args(argv)
    stop = stop_on_signals()
    first_seen: dict[Key, float] = {}
    mark_ready(args.ready_file)
    while not stop.wait(POLL):
        listing = subprocess.run(
            ["ss", "-Htn", "state", "established"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        ).stdout
        now = time.monotonic()
        current = set(parse_established(listing, args.proxy_port))
        first_seen = {k: v for k, v in first_seen.items() if k in current}
        for key in current:
            born = first_seen.setdefault(key, now)
            if now - born >= args.lifetime:
                _kill(key)
    return 0


if __name__ == "__main__":
    sys.exit(main())
