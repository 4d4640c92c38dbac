"""The long fuzz run: N random mutations of the corpora and bundles through every reader.

The same mutations, worker and checks as ``tests/fuzz`` (which runs a fixed set of some 350
cases in CI), drawn at random from every seed (all 830 tcpdump test files included) and
every mutation, the heavy ones too. Prints cases per second, the outcomes, the slowest case
and the case with the highest peak memory (each case's own peak), and every case that
crashed, hung or went over 1 GB, with its name: ``Case`` rebuilds it from the name. Run::

    .venv/bin/python benchmarks/bench_fuzz.py 2000 [--seed 1] [--timeout 60] [--keep DIR]
"""

from __future__ import annotations

import argparse
import collections
import sys
import tempfile
import time
import zlib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.fuzz.cases import random_cases, seed_bytes  # noqa: E402
from tests.fuzz.runner import Result, Worker  # noqa: E402

MEMORY_LIMIT_MB = 1024.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("cases", type=int, help="how many cases to run")
    parser.add_argument("--seed", type=int, default=1, help="draws the cases (same seed, same cases)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds before a case hangs")
    parser.add_argument("--keep", type=Path, help="copy the failing cases' files into this folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wiresleuth-fuzz-") as folder:
        work = Path(folder)
        made = time.perf_counter()
        seeds = seed_bytes(work / "seeds", tcpdump_every=1)
        cases = random_cases(args.cases, args.seed)
        print(f"seeds   : {len(seeds)} ({time.perf_counter() - made:.1f} s to load and make)")
        worker = Worker(timeout=args.timeout, log=work / "worker.log")
        outcomes: collections.Counter[str] = collections.Counter()
        results: list[tuple[Result, str]] = []
        bad: list[tuple[Result, str]] = []
        started = time.perf_counter()
        try:
            for case in cases:
                path = case.write(work, seeds)
                bundle = zlib.crc32(case.name.encode()) % 2 == 0
                result = worker.run(case.kind, path, bundle=bundle)
                outcomes[result.outcome] += 1
                results.append((result, case.name))
                if result.outcome not in ("ok", "input-error") or result.peak_mb >= MEMORY_LIMIT_MB:
                    bad.append((result, case.name))
                    if args.keep:
                        args.keep.mkdir(parents=True, exist_ok=True)
                        (args.keep / path.name).write_bytes(path.read_bytes())
                path.unlink()
        finally:
            worker.stop()
        wall = time.perf_counter() - started
    slowest = max(results, key=lambda item: item[0].seconds)
    biggest = max(results, key=lambda item: item[0].peak_mb)
    print(f"cases   : {len(cases)} in {wall:.1f} s: {len(cases) / wall:.1f} cases/s")
    print(f"outcomes: {dict(sorted(outcomes.items()))}")
    print(f"slowest : {slowest[1]}: {slowest[0].seconds:.2f} s, peak {slowest[0].peak_mb:.0f} MB")
    print(f"memory  : {biggest[1]}: peak {biggest[0].peak_mb:.0f} MB, {biggest[0].seconds:.2f} s")
    for result, name in bad:
        print(f"FAILED  : {name}: {result.outcome}, {result.seconds:.1f} s, {result.peak_mb:.0f} MB")
        print("          " + result.error.strip().replace("\n", "\n          "))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
