"""Run a lab scenario and stop the program (kill -STOP, every process of the client
namespace: the program and its PAC evaluator, as a loaded or sleeping machine stops them)
while one of its waits is on: ``lookups``, the run's first name lookups, the moment the
program has a UDP socket of its own to a name server's port 53; ``pac``, the PAC script's
evaluation, the moment the sandboxed
evaluator (the child whose command line names ``pac_sandbox_child``, or the frozen app's
``--wiresleuth-pac-sandbox-child``, or a fork of the program) has a UDP socket of its own to
a name server's port 53 (the script's ``dnsResolve``, one round trip over the lab's 50 ms
each-way path); ``marker``, the direct path-proof marker's wait for its acknowledgement, the
moment a socket of the program to port 9400 (the lab's listener) is established (the marker
goes at once; its acknowledgement is a round trip away). kill -CONT after STOP_FOR seconds
(more than the wait's limit). ``WIRESLEUTH`` names the program to run (default
``.venv/bin/wiresleuth``: another checkout's, to run its rules). Every wait bounded.

    WIRESLEUTH_LAB_PREFIX=sg- .venv/bin/python stop_during_wait.py lookups|pac|marker SCENARIO OUT [--no-capture]
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time

PREFIX = os.environ["WIRESLEUTH_LAB_PREFIX"]
NS = f"{PREFIX}client"
CHILD = (b"pac_sandbox_child", b"--wiresleuth-pac-sandbox-child")
DNS_PORT = ":0035"  # port 53 as /proc/net/udp writes it
MARKER_PORT = ":24B8"  # 9400, the lab's path-proof listener
STOP_FOR = float(os.environ.get("STOP_FOR", "7"))
PROGRAM = os.environ.get("WIRESLEUTH", ".venv/bin/wiresleuth")


def pids() -> list[int]:
    out = subprocess.run(["ip", "netns", "pids", NS], capture_output=True, text=True, check=False)
    return [int(p) for p in out.stdout.split()]


def cmdline(pid: int) -> bytes:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as found:
            return found.read()
    except OSError:
        return b""


def parent(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return int(stat.read().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def is_evaluator(pid: int, family: list[int]) -> bool:
    """Spawned, its command line names the child's module; forked (the fallback of a user
    who may not execute the interpreter again, as ``--no-capture``'s nobody), it is a copy
    of its parent, the program."""
    line = cmdline(pid)
    if any(mark in line for mark in CHILD):
        return True
    up = parent(pid)
    return up is not None and up in family and bool(line) and cmdline(up) == line


def own_socket(pid: int, kind: str, port: str, state: str | None = None) -> bool:
    """Whether one of ``pid``'s own sockets is in /proc/PID/net/``kind`` with the remote
    ``port`` (as that table writes it) and, if given, the ``state``."""
    inodes = set()
    with contextlib.suppress(OSError):
        for fd in os.listdir(f"/proc/{pid}/fd"):
            with contextlib.suppress(OSError):
                link = os.readlink(f"/proc/{pid}/fd/{fd}")
                if link.startswith("socket:["):
                    inodes.add(link[8:-1])
    if not inodes:
        return False
    try:
        with open(f"/proc/{pid}/net/{kind}") as table:
            rows = [line.split() for line in table.readlines()[1:]]
    except OSError:
        return False
    return any(
        row[2].endswith(port) and row[9] in inodes and (state is None or row[3] == state)
        for row in rows
    )


def asking_dns(pid: int) -> bool:
    """Whether one of ``pid``'s own sockets is a UDP socket to port 53."""
    return own_socket(pid, "udp", DNS_PORT)


def marker_sent(pid: int) -> bool:
    """Whether one of ``pid``'s own sockets is an established TCP connection to port 9400."""
    return own_socket(pid, "tcp", MARKER_PORT, state="01")


def main() -> int:
    wait, scenario, out, *extra = sys.argv[1:]
    if wait not in ("lookups", "pac", "marker"):
        raise SystemExit(f"no wait {wait!r}: lookups, pac or marker")
    run = subprocess.Popen([PROGRAM, "lab", "run", scenario, "--out", out, *extra])
    deadline = time.monotonic() + 120
    stopped: list[int] = []
    while time.monotonic() < deadline and run.poll() is None:
        found = pids()
        if wait == "lookups":
            seen = bool(found) and asking_dns(found[0])
        elif wait == "pac":
            seen = any(is_evaluator(pid, found) and asking_dns(pid) for pid in found)
        else:
            seen = any(marker_sent(pid) for pid in found)
        if seen:
            for pid in found:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGSTOP)
            stopped = found
            print(f"stopped {found} at {time.time():.3f}", flush=True)
            break
        time.sleep(0.002)
    if stopped:
        time.sleep(STOP_FOR)
        for pid in stopped:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)
        print(f"continued at {time.time():.3f}", flush=True)
    else:
        print(f"never saw the {wait} wait", flush=True)
    return run.wait(timeout=300)


if __name__ == "__main__":
    sys.exit(main())
