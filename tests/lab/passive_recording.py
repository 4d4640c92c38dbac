"""Record the ordinary faults of the ``passive-faults`` scenario as small capture files.

The scenario's client programs keep talking to broken servers; this records them from the
client's interface (dumpcap, snap length SNAPLEN), one file per fault, then keeps of each
only what is complete: the first TCP connections whose SYN and end were both recorded, and
the DNS and ICMP packets of the first WINDOW seconds. Those files are the fixtures under
``tests/lab/captures/`` (a few KB each), each with its expected finding in ``PATTERNS``::

    sudo WIRESLEUTH_LAB_PREFIX=ps- .venv/bin/python -m tests.lab.passive_recording tests/lab/captures
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

from tests.analysis.records_pcap import write_pcap
from tests.lab import prefixes
from wiresleuth.capture.fast_records import iter_records
from wiresleuth.lab.commands import in_ns
from wiresleuth.lab.lab import Lab, build_lab
from wiresleuth.lab.names import LabNames
from wiresleuth.lab.scenario import load_scenario
from wiresleuth.model.packet import FIN, RST, SYN, TCP, PacketRecord

SCENARIO = "passive-faults"
SNAPLEN = 200
RECORD_SECONDS = 27.0
"""Long enough for two whole cycles of the slowest client (12 s)."""
MARGIN = 6.0
"""A connection that began this close to the end of the recording may be incomplete."""
WINDOW = 14.0
"""Seconds of DNS and ICMP packets kept."""
CONNECTIONS = 2
"""Complete TCP connections kept per fault (one for the client that waits: two alike are
``local.request_held``'s pattern, which takes precedence)."""

KEEP = {"client-waits": 1, "zero-window": 1}
"""Connections kept where CONNECTIONS would be too many (or too large)."""
PATTERNS: dict[str, tuple[str, str]] = {
    "server-waits": ("host 100.64.1.90", "latency.server"),
    "client-waits": ("host 100.64.1.91", "latency.client"),
    "refused": ("host 100.64.1.92", "tcp.connection_refused"),
    "dropped-syn": ("host 100.64.1.93", "tcp.no_answer"),
    "zero-window": ("host 100.64.1.94", "tcp.zero_window"),
    "servfail": ("host 100.64.1.95", "dns.server_failure"),
    "silent-resolver": ("host 100.64.1.96", "dns.no_answer"),
    "answers-everything": ("host 100.64.1.97", "dns.nxdomain_rewritten"),
}
"""Fixture name -> (capture filter, the finding ``wiresleuth analyze`` must give)."""


def lab_names() -> LabNames:
    """The lab's names: WIRESLEUTH_LAB_PREFIX, then the tests' own part (tests/lab/prefixes.py)."""
    return prefixes.lab_names("passive-faults")


def _connection(record: PacketRecord) -> frozenset[tuple[str, int]]:
    return frozenset({(record.src, record.sport or 0), (record.dst, record.dport or 0)})


def complete_part(
    records: list[PacketRecord], started: float, ended: float, *, connections: int = CONNECTIONS
) -> list[PacketRecord]:
    """The complete connections (a SYN first, begun MARGIN before the end) and the early
    DNS/ICMP packets of a recording, renumbered from 1."""
    by_connection: dict[frozenset[tuple[str, int]], list[PacketRecord]] = defaultdict(list)
    others = []
    for record in records:
        if record.proto == TCP:
            by_connection[_connection(record)].append(record)
        elif record.time <= started + WINDOW:
            others.append(record)
    kept = []
    for packets in by_connection.values():
        first = packets[0]
        ends = any(p.tcp_flags & (FIN | RST) for p in packets) or len(packets) > 1
        if first.tcp_flags & SYN and first.time <= ended - MARGIN and ends:
            kept.append(packets)
    kept.sort(key=lambda packets: packets[0].number)
    chosen = [p for packets in kept[:connections] for p in packets] + others
    chosen.sort(key=lambda record: record.number)
    return [replace(record, number=index) for index, record in enumerate(chosen, start=1)]


def record(lab: Lab, folder: Path, *, seconds: float = RECORD_SECONDS) -> dict[str, Path]:
    """Record every pattern at once for ``seconds``; the trimmed files, by pattern name."""
    folder.mkdir(parents=True, exist_ok=True)
    raw = {name: folder / f"{name}.raw.pcapng" for name in PATTERNS}
    client = lab.names.ns("client")
    started = time.time()
    procs = [
        subprocess.Popen(
            in_ns(
                client,
                [
                    "dumpcap",
                    "-q",
                    "-i",
                    "eth0",
                    "-s",
                    str(SNAPLEN),
                    "-f",
                    bpf,
                    "-a",
                    f"duration:{seconds:g}",
                    "-w",
                    str(raw[name]),
                ],
            ),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for name, (bpf, _) in PATTERNS.items()
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=seconds + 30)
        assert proc.returncode == 0, err
    ended = time.time()
    out = {}
    for name, path in raw.items():
        kept = complete_part(
            list(iter_records(path)), started, ended, connections=KEEP.get(name, CONNECTIONS)
        )
        out[name] = write_pcap(folder / f"{name}.pcap", kept)
        path.unlink()
    return out


def main(argv: list[str]) -> int:
    """Build the lab, record the fixtures into the folder given, take the lab down."""
    folder = Path(argv[1]) if len(argv) > 1 else Path(__file__).with_name("captures")
    lab = build_lab(load_scenario(SCENARIO), lab_names())
    try:
        time.sleep(1.0)  # the client programs start their first exchanges
        for name, path in record(lab, folder).items():
            print(f"{name}: {path} ({path.stat().st_size} bytes)")
    finally:
        errors = lab.teardown()
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
