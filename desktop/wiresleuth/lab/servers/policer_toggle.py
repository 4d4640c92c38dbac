"""Turns a router rule on and off on a schedule: a fault that comes and goes (flaky-policer).

Runs in the namespace whose rule it toggles. The rule (``--rule``: iptables arguments
separated by spaces, without ``-A``/``-I``/``-D``) is inserted at the head of ``--chain`` while "on" and deleted
while "off"; the phases follow each other from the start: ``--first`` for its seconds, then
the other, and so on. Every change is printed (monotonic and epoch seconds) so that a failed
test's lab logs show when the fault was there. SIGTERM removes the rule and ends it.
Usage::

    python -m wiresleuth.lab.servers.policer_toggle --on 25 --off 20 --first off \
        --chain FORWARD --rule "-o r-client -m dscp --dscp 46 -j DROP"
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from wiresleuth.lab.servers.lifecycle import mark_ready, stop_on_signals


def _rule(action: str, chain: str, rule: list[str]) -> bool:
    done = subprocess.run(
        ["iptables-nft", "-w", "5", action, chain, *rule],
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    )
    if done.returncode != 0:
        print(f"iptables {action} failed: {done.stderr.strip()}", file=sys.stderr, flush=True)
    return done.returncode == 0


def phases(first: str, on: float, off: float) -> list[tuple[str, float]]:
    """The repeating cycle, starting with ``first``."""
    cycle = [("on", on), ("off", off)]
    return cycle if first == "on" else cycle[::-1]


def main(argv: list[str] | None = None) -> int:
    """Toggle until SIGTERM; the rule is removed on the way out."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--on", type=float, required=True, help="seconds the rule is in place")
    parser.add_argument("--off", type=float, required=True, help="seconds it is not")
    parser.add_argument("--first", choices=("on", "off"), default="off")
    parser.add_argument("--chain", default="FORWARD")
    parser.add_argument("--ready-file", type=Path, help="created once running")
    parser.add_argument("--rule", required=True, help="the rule's arguments, space-separated")
    args = parser.parse_args(argv)
    rule = args.rule.split()
    stop = stop_on_signals()
    active = False
    mark_ready(args.ready_file)
    try:
        while not stop.is_set():
            for state, seconds in phases(args.first, args.on, args.off):
                want = state == "on"
                if want != active:
                    active = _rule("-I" if want else "-D", args.chain, rule) == want
                print(f"{state} at {time.monotonic():.3f} (epoch {time.time():.3f}) for "
                      f"{seconds:g} s", file=sys.stderr, flush=True)
                if stop.wait(seconds):
                    break
    finally:
        if active:
            _rule("-D", args.chain, rule)
    return 0


if __name__ == "__main__":
    sys.exit(main())
