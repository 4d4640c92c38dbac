"""Run a lab scenario and stop the program (kill -STOP) while its first name lookup is on
the wire: the moment its UDP socket to the lab's DNS server (100.64.0.53:53) appears in the
client namespace; kill -CONT after STOP_FOR seconds. Every wait bounded."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

PREFIX = os.environ["WIRESLEUTH_LAB_PREFIX"]
NS = f"{PREFIX}client"
DNS = "35004064:0035"  # 100.64.0.53:53 as /proc/net/udp writes it (little-endian)
STOP_FOR = float(os.environ.get("STOP_FOR", "7"))


def pids() -> list[int]:
    out = subprocess.run(["ip", "netns", "pids", NS], capture_output=True, text=True, check=False)
    return [int(p) for p in out.stdout.split()]


def asking_dns(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/net/udp") as table:
            return any(line.split()[2] == DNS for line in table.readlines()[1:])
    except OSError:
        return False


def main() -> int:
    scenario, out, *extra = sys.argv[1:]
    run = subprocess.Popen([".venv/bin/wiresleuth", "lab", "run", scenario, "--out", out, *extra])
    deadline = time.monotonic() + 120
    stopped: list[int] = []
    while time.monotonic() < deadline and run.poll() is None:
        found = pids()
        if found and asking_dns(found[0]):
            for pid in found:
                os.kill(pid, signal.SIGSTOP)
            stopped = found
            print(f"stopped {found} at {time.time():.3f}", flush=True)
            break
        time.sleep(0.002)
    if stopped:
        time.sleep(STOP_FOR)
        for pid in stopped:
            os.kill(pid, signal.SIGCONT)
        print(f"continued at {time.time():.3f}", flush=True)
    else:
        print("never saw the lookup", flush=True)
    return run.wait(timeout=300)


if __name__ == "__main__":
    sys.exit(main())
