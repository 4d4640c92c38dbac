"""``wiresleuth analyze`` names each ordinary fault recorded in the lab, and stays quiet on
ordinary traffic: through the real command line, on committed captures.

The captures (tests/lab/captures/, a few KB each) were recorded in the lab from the
``passive-faults`` scenario by ``tests.lab.passive_recording``; the same recording runs as a
lab test (tests/lab/test_passive_faults.py).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.capture.corpora import names, packets
from tests.lab.passive_recording import PATTERNS

CAPTURES = Path(__file__).parents[1] / "lab" / "captures"
NEW_IDS = {
    "tcp.connection_refused", "tcp.no_answer", "dns.no_answer", "dns.server_failure",
    "latency.path", "latency.server", "latency.client", "tcp.zero_window",
    "tcp.unacknowledged", "dns.nxdomain_rewritten",
}  # fmt: skip
HEALTHY = names("packets", "*.pcap*")
"""Every capture of shared/corpora/packets: ordinary traffic (its README), none faulty in a
way these rules judge (checked one by one with tshark: handshakes, teardowns, HTTP, SMTP,
IMAP, DNS, ICMP, fragments, DHCP without a lease)."""


def analyze(path: Path) -> tuple[int, dict[str, Any]]:
    """Exit code and JSON of ``python -m wiresleuth analyze --json PATH``."""
    done = subprocess.run(
        [sys.executable, "-m", "wiresleuth", "analyze", "--json", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, json.loads(done.stdout)


FIGURES: dict[str, tuple[str, float, float]] = {
    "server-waits": ("seconds", 1.5, 0.2),  # the listener waits 1.5 s
    "client-waits": ("seconds", 1.5, 0.2),  # the client waits 1.5 s
    "zero-window": ("seconds", 2.9, 0.5),  # 3 s without reading, less the path's delays
    "dropped-syn": ("tried_s", 3.0, 0.3),  # SYN, then 1 s and 2 s later (Linux backs off)
}


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_each_recorded_fault_gets_its_finding(name: str) -> None:
    code, report = analyze(CAPTURES / f"{name}.pcap")
    expected = PATTERNS[name][1]
    findings = report["findings"]
    assert [f["id"] for f in findings] == [expected]
    finding = findings[0]
    assert finding["packets"] and finding["user_text"] and finding["engineer_text"]
    assert finding["severity"] in ("warning", "problem")
    assert code == (1 if finding["severity"] == "problem" else 0)
    if name in FIGURES:
        key, value, tolerance = FIGURES[name]
        assert finding["values"][key] == pytest.approx(value, abs=tolerance)


@pytest.mark.parametrize("name", HEALTHY)
def test_ordinary_captures_stay_quiet(name: str) -> None:
    _, report = analyze(packets(name))
    assert {f["id"] for f in report["findings"]} & NEW_IDS == set()


def test_the_fixtures_are_small() -> None:
    sizes = {p.name: p.stat().st_size for p in CAPTURES.glob("*.pcap")}
    assert set(sizes) == {f"{name}.pcap" for name in PATTERNS}
    assert max(sizes.values()) < 16_000
