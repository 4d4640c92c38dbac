"""``wiresleuth analyze`` against ``tshark -r FILE -q -z conv,tcp`` on a million packets.

Generates (once, then reuses) a realistic 1 000 000-packet TCP/TLS capture with the
synthetic traffic of ``tests/capture/synthetic.py`` (raw pcap records: scapy would take an
hour), warms the page cache, then times both tools on the same file in the same run,
alternating, and prints the ratio of the medians (goal: at most 0.5) and each tool's peak
memory: ``ru_maxrss`` of the child from ``os.wait4`` (goal: under 500 MB) and, because
``analyze`` may share a large file with a second process, the peak of the sum over the
child's whole process tree (sampled every 20 ms). Then it analyses every file of the tcpdump
corpus and prints the slowest (goal: each within 2 s). Run::

    .venv/bin/python benchmarks/bench_analyze.py [--packets 1000000] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.capture.synthetic import TrafficStats, traffic, write_pcap  # noqa: E402

WIRESLEUTH = REPO / ".venv" / "bin" / "wiresleuth"
CORPUS = REPO.parent / "shared" / "corpora" / "tcpdump-tests"
MB = 1024 * 1024


def generate(path: Path, packets: int) -> None:
    if path.exists():
        print(f"capture : {path} (reused, {path.stat().st_size / MB:.0f} MB)")
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    stats = TrafficStats()
    started = time.perf_counter()
    partial = path.with_suffix(".part")
    write_pcap(partial, traffic(packets, stats=stats))
    partial.rename(path)
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(stats.kinds.items()))
    print(
        f"capture : {stats.packets} packets, {stats.connections} TCP connections ({kinds}), "
        f"{stats.lost_segments} segments lost, {stats.dns_queries} DNS queries, "
        f"{path.stat().st_size / MB:.0f} MB, made in {time.perf_counter() - started:.1f} s"
    )


def warm(path: Path) -> None:
    with path.open("rb") as handle:
        while handle.read(16 * MB):
            pass


def run(command: list[str]) -> tuple[float, float, float, int]:
    """(wall seconds, ru_maxrss MB of the child, peak MB of its process tree, exit code)."""
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        try:
            proc = psutil.Process(child.pid)
            while not done.is_set():
                try:
                    tree = [proc, *proc.children(recursive=True)]
                    peak[0] = max(peak[0], sum(p.memory_info().rss for p in tree))
                except psutil.Error:
                    pass
                done.wait(0.02)
        except psutil.Error:
            return

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    child.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss / 1024, peak[0] / MB, child.returncode


def compare(path: Path, runs: int) -> None:
    tools = {
        "wiresleuth analyze": [str(WIRESLEUTH), "analyze", str(path)],
        "tshark -z conv,tcp": ["tshark", "-r", str(path), "-q", "-z", "conv,tcp"],
    }
    results: dict[str, list[tuple[float, float, float, int]]] = {name: [] for name in tools}
    for _ in range(runs):
        for name, command in tools.items():
            results[name].append(run(command))
    for name, rows in results.items():
        walls = ", ".join(f"{w:.2f}" for w, *_ in rows)
        print(
            f"{name:19}: median {statistics.median(w for w, *_ in rows):.2f} s ({walls}); "
            f"peak memory {max(m for _, m, _, _ in rows):.0f} MB (ru_maxrss of the child), "
            f"{max(t for _, _, t, _ in rows):.0f} MB (whole process tree); exit {rows[0][3]}"
        )
    ours = statistics.median(w for w, *_ in results["wiresleuth analyze"])
    theirs = statistics.median(w for w, *_ in results["tshark -z conv,tcp"])
    print(f"ratio   : wiresleuth / tshark = {ours / theirs:.2f} (goal <= 0.5)")


def corpus() -> None:
    from wiresleuth.errors import CaptureFileError
    from wiresleuth.report.summary import summary_text
    from wiresleuth.sources.capture_file import analyze_file

    times: list[tuple[float, str]] = []
    rejected = 0
    for path in sorted(CORPUS.glob("*.pcap*")):
        started = time.perf_counter()
        try:
            summary_text(analyze_file(path).findings)
        except CaptureFileError:
            rejected += 1
        times.append((time.perf_counter() - started, path.name))
    startup = min(
        run([str(WIRESLEUTH), "analyze", str(CORPUS / "kday3.pcap")])[0] for _ in range(3)
    )
    times.sort(reverse=True)
    over = [name for seconds, name in times if seconds + startup > 2.0]
    slowest = ", ".join(f"{name} {seconds:.3f} s" for seconds, name in times[:3])
    print(
        f"corpus  : {len(times)} tcpdump files ({rejected} rejected with a message), "
        f"slowest {slowest}; total {sum(s for s, _ in times):.1f} s"
    )
    print(
        f"          a whole `wiresleuth analyze` of a small file takes {startup:.2f} s "
        f"(interpreter start included): {len(over)} files over 2 s (goal: none)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--packets", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--file", type=Path, default=Path("/tmp/wiresleuth-bench/analyze.pcap"))
    args = parser.parse_args()
    path = args.file.with_name(f"{args.file.stem}-{args.packets}{args.file.suffix}")
    generate(path, args.packets)
    warm(path)
    print(f"machine : {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f} (other work skews both)")
    compare(path, args.runs)
    corpus()
    print(f"bench   : own peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
