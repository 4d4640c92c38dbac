"""Memory and disk of a week-long watch, simulated through the real summary and capture code.

Synthetic attempts (2 targets with 2 addresses each; a light attempt's capture of 21 frames,
a failing one's of 9, a full diagnosis's of 100, sizes as in the flaky-policer lab bundle)
go through ``WatchLog`` (grouping, contexts, the bounded attempt list), ``CaptureRing`` and
``EvidenceStore`` (the bounded evidence on disk), then the real bundle writer. Printed:
peak Python memory while watching (tracemalloc), the ring's and the evidence's bytes,
report.json and the bundle on disk. Figures, never asserts.

    .venv/bin/python benchmarks/bench_watch.py [--days 7]
"""

from __future__ import annotations

import argparse
import json
import random
import struct
import tempfile
import time
import tracemalloc
from pathlib import Path

from wiresleuth.analysis.watch_summary import WatchLog, with_contexts
from wiresleuth.bundle.watch_file import write_watch_bundle
from wiresleuth.engine.watch_evidence import EvidencePart, EvidenceStore
from wiresleuth.engine.watch_ring import CaptureRing, RingEntry
from wiresleuth.model.finding import Evidence, Finding, Severity
from wiresleuth.model.jsonable import to_jsonable
from wiresleuth.model.run import CaptureInfo, RunResult
from wiresleuth.model.watch import (
    AddressResult,
    WatchAttempt,
    WatchContext,
    WatchRun,
    WatchSettings,
)

TARGETS = {
    "portal.corp.example:443": ("198.18.5.7", "198.18.5.9"),
    "chat.corp.example:443": ("198.18.6.20", "2001:db8::20"),
}
SIGNATURES = ("tls.no_server_hello", "tls.reset_after_client_hello", "outcome:timeout")


def pcapng(frames: int, size: int, seed: int) -> bytes:
    """A small valid pcapng: section header, one Ethernet interface, ``frames`` packets."""
    shb_body = struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1)
    out = struct.pack("<II", 0x0A0D0D0A, 12 + len(shb_body)) + shb_body
    out += struct.pack("<I", 12 + len(shb_body))
    idb_body = struct.pack("<HHI", 1, 0, 262144)
    out += (
        struct.pack("<II", 1, 12 + len(idb_body)) + idb_body + struct.pack("<I", 12 + len(idb_body))
    )
    payload = bytes((seed + i) % 256 for i in range(size))
    for n in range(frames):
        body = struct.pack("<IIIII", 0, n, 0, size, size) + payload
        out += struct.pack("<II", 6, 12 + len(body)) + body + struct.pack("<I", 12 + len(body))
    return out


def finding(signature: str, target: str, address: str, frames: int) -> Finding:
    return Finding(
        id=signature if not signature.startswith("outcome:") else "tls.no_server_hello",
        severity=Severity.PROBLEM,
        title="No answer to the secure greeting",
        user_text="The site did not answer the secure greeting in time.",
        engineer_text="ClientHello sent and acknowledged; no ServerHello within 3 s.",
        wizard="tls",
        target=target,
        evidence=(
            Evidence(
                text="ClientHello, no answer",
                packets=tuple(range(1, frames + 1)),
                addresses=(f"{address}:443",),
            ),
        ),
    )


def simulate(
    days: float,
    every: float,
    failure_rate: float,
    folder: Path,
    targets: dict[str, tuple[str, ...]],
) -> dict[str, float]:
    rng = random.Random(16)
    attempts = int(days * 86400 / every)
    log = WatchLog()
    ring = CaptureRing()
    store = EvidenceStore(folder)
    ok_capture = pcapng(21, 400, 1)
    failing_capture = pcapng(9, 400, 2)
    diagnosis_capture = pcapng(100, 600, 3)
    start = 1_700_000_000.0
    tracemalloc.start()
    began = time.perf_counter()
    for number in range(1, attempts + 1):
        at = start + (number - 1) * every
        day = int((number - 1) * every // 86400)
        context = WatchContext(
            route="direct",
            dns_answer=("198.18.5.7", "198.18.5.9"),
            gateway="198.18.0.1",
            gateway_mac=f"02:00:00:00:00:{day:02x}",
            interface="wlan0",
            interfaces_up=("wlan0",),
        )
        results = []
        for target, addresses in targets.items():
            for address in addresses:
                fails = rng.random() < failure_rate
                signature = rng.choice(SIGNATURES) if fails else ""
                results.append(
                    (
                        AddressResult(
                            target=target,
                            address=address,
                            ok=not fails,
                            outcome="timeout" if fails else "ok",
                            signature=signature,
                        ),
                        context,
                    )
                )
        attempt = WatchAttempt(
            number=number, started_at=at, finished_at=at + 1.5, results=with_contexts(log, results)
        )
        failed = not attempt.ok
        data = failing_capture if failed else ok_capture
        ring.add(RingEntry(attempt=number, data=data, packets=9 if failed else 21))
        if failed:
            bad = next(r for r in attempt.results if not r.ok)
            before = ring.get(number - 1)
            parts = [
                EvidencePart(
                    label="failing",
                    attempt=number,
                    data=data,
                    packets=9,
                    findings=(finding(bad.signature, bad.target, bad.address, 9),),
                ),
                EvidencePart(
                    label="diagnosis",
                    attempt=None,
                    data=diagnosis_capture,
                    packets=100,
                    findings=(finding(bad.signature, bad.target, bad.address, 100),),
                ),
            ]
            if before is not None:
                parts.insert(
                    0,
                    EvidencePart(
                        label="before", attempt=number - 1, data=before.data, packets=before.packets
                    ),
                )
            store.keep(
                attempt=number,
                at=at,
                group=(bad.signature, bad.target, bad.address),
                signatures=(bad.signature,),
                parts=parts,
                diagnosis_ran=True,
            )
            attempt = WatchAttempt(
                number=number,
                started_at=at,
                finished_at=at + 1.5,
                results=attempt.results,
                diagnosed=True,
            )
        log.add(attempt, {s: s for s in SIGNATURES})
    watching = time.perf_counter() - began
    _, peak_watching = tracemalloc.get_traced_memory()
    settings = WatchSettings(
        every=every,
        duration=days * 86400,
        targets=tuple(targets),
        started_at=start,
        finished_at=start + days * 86400,
    )
    assembled = store.assemble(folder / "capture.pcapng")
    summary = log.summary(settings, assembled.failures, evidence_dropped=store.dropped)
    report_json = len(json.dumps(to_jsonable(summary)).encode())
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    result = RunResult(
        started_at=start,
        finished_at=start + days * 86400,
        targets=tuple(targets),
        findings=assembled.findings,
        capture=CaptureInfo(available=True, packets=assembled.packets),
        capture_file=assembled.capture,
    )
    bundle = write_watch_bundle(WatchRun(summary=summary, result=result), folder / "w.wsbundle")
    return {
        "attempts": attempts,
        "failed attempts": sum(1 for a in summary.attempts if not a.ok),
        "kept in detail": len(summary.attempts),
        "groups": len(summary.groups),
        "failures with evidence": len(summary.failures),
        "evidence dropped (bounded)": summary.evidence_dropped,
        "contexts": len(summary.contexts),
        "ring MB (bound 33.6)": ring.bytes / 1e6,
        "evidence on disk MB (bound 268.4)": store.bytes / 1e6,
        "peak memory while watching MB": peak_watching / 1e6,
        "peak memory with the summary MB": peak / 1e6,
        "report.json watch MB": report_json / 1e6,
        "bundle MB": bundle.stat().st_size / 1e6,
        "seconds per 1000 attempts": watching / attempts * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=float, default=7.0)
    args = parser.parse_args()
    many = {
        f"site{n}.corp.example:443": tuple(f"198.18.{n}.{a}" for a in range(1, 5))
        for n in range(10)
    }
    runs = [
        ("2 min, 4 addr, 5 % fail", 120.0, 0.05, TARGETS),
        ("30 s, 4 addr, 5 % fail", 30.0, 0.05, TARGETS),
        ("30 s, 4 addr, 60 % fail", 30.0, 0.6, TARGETS),
        ("30 s, 40 addr, 5 % fail", 30.0, 0.05, many),
    ]
    table: dict[str, list[str]] = {}
    for _label, every, rate, targets in runs:
        with tempfile.TemporaryDirectory(prefix="bench-watch-") as tmp:
            figures = simulate(args.days, every, rate, Path(tmp), targets)
        for key, value in figures.items():
            shown = f"{value:,.1f}" if isinstance(value, float) else f"{value:,}"
            table.setdefault(key, []).append(shown)
    print(f"A {args.days:g}-day watch (interval, addresses watched, attempts failing)")
    print(f"{'':34}" + "".join(f"{label:>26}" for label, *_ in runs))
    for key, values in table.items():
        print(f"{key:34}" + "".join(f"{v:>26}" for v in values))


if __name__ == "__main__":
    main()
