"""Peak memory of the two commands that handle the largest inputs, each against a reference
command of the same run on the same input:

- ``wiresleuth report --json`` of a bundle at the reader's item limit (report.json holding
  ``MAX_ITEMS`` values) against ``wiresleuth report`` of it (which reads it the same way and
  prints a summary): the ratio is what printing the JSON adds to reading it;
- ``wiresleuth analyze --out`` of a capture just under the 256 MiB a bundle may copy,
  against ``wiresleuth analyze`` of it: the ratio is what writing the bundle adds.

Peaks are ``ru_maxrss`` of the child from ``os.wait4`` (``benchmarks/bench_analyze.py``).
Goal: both ratios under 2 (they were 2.0 and 7.9: 340 MB and 1.3 GB, see README). Run::

    .venv/bin/python benchmarks/bench_memory.py [--runs 1]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from bench_analyze import WIRESLEUTH, generate, run, warm  # noqa: E402
from tests.gui.hostile_bundles import edited_bundle  # noqa: E402

from wiresleuth.input_files.json_limits import MAX_ITEMS  # noqa: E402

BASE_BUNDLE = REPO / "tests" / "gui" / "samples" / "lab-C7.wsbundle"
CAPTURE = Path("/tmp/wiresleuth-bench/analyze-215000.pcap")
"""215 000 requested packets: 274 827 written, 252 MB (under the 256 MiB limit)."""


def _peaks(label: str, reference: list[str], measured: list[str], runs: int) -> None:
    ref = max(run(reference)[1] for _ in range(runs))
    got = max(run(measured)[1] for _ in range(runs))
    print(
        f"{label:16}: {got:5.0f} MB against {ref:5.0f} MB for the reference: ratio {got / ref:.2f}"
    )


def report_json(folder: Path, runs: int) -> None:
    def pad(report: dict[str, Any]) -> None:
        # Floats: what a report's timings are; the most memory per counted value decoded.
        report["observations"]["pad"] = [i + 0.5 for i in range(MAX_ITEMS - 20_000)]

    bundle = edited_bundle(BASE_BUNDLE, folder / "item-limit.wsbundle", pad)
    print(f"bundle  : {bundle.stat().st_size >> 20} MB zip, report.json at {MAX_ITEMS} values")
    _peaks(
        "report --json",
        [str(WIRESLEUTH), "report", str(bundle)],
        [str(WIRESLEUTH), "report", "--json", str(bundle)],
        runs,
    )


def analyze_out(folder: Path, runs: int) -> None:
    generate(CAPTURE, 215_000)
    warm(CAPTURE)
    _peaks(
        "analyze --out",
        [str(WIRESLEUTH), "analyze", str(CAPTURE)],
        [str(WIRESLEUTH), "analyze", str(CAPTURE), "--out", str(folder / "out.wsbundle")],
        runs,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wiresleuth-bench-memory-") as folder:
        report_json(Path(folder), args.runs)
        analyze_out(Path(folder), args.runs)


if __name__ == "__main__":
    main()
