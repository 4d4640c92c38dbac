"""Fuzzing the readers of capture files and bundles (issue 20): some 350 deterministic
mutations of the shared corpora, the committed sample bundle and lab-style bundles.

Every case must end normally or with one of our BadInput errors (never another exception,
never a dead worker), within PER_CASE_SECONDS (a hang is killed and reported), with a peak
resident memory under 1 GB. The cases run in one worker process (``runner.Worker``); each
case's peak is measured on its own (``worker._peak_mb``). The long run with random cases is
``benchmarks/bench_fuzz.py``.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fuzz.cases import Case, ci_cases, seed_bytes
from tests.fuzz.runner import Worker

PER_CASE_SECONDS = 60.0
"""A case that has not answered by then hangs (the slowest take about 4 s here)."""
MEMORY_LIMIT_MB = 1024.0
CASES = ci_cases()


def writes_bundle(case: Case) -> bool:
    """A quarter of the capture cases also write (and read back) ``analyze --out``'s bundle."""
    return zlib.crc32(case.name.encode()) % 4 == 0


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    return seed_bytes(tmp_path_factory.mktemp("fuzz-seeds"))


@pytest.fixture(scope="module")
def worker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Worker]:
    log = tmp_path_factory.mktemp("fuzz-log") / "worker.log"
    worker = Worker(timeout=PER_CASE_SECONDS, log=log)
    yield worker
    worker.stop()


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 300
    assert {c.kind for c in CASES} == {"capture", "bundle"}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case: Case, seeds: dict[str, bytes], worker: Worker, tmp_path: Path) -> None:
    path = case.write(tmp_path, seeds)
    result = worker.run(case.kind, path, bundle=writes_bundle(case))
    assert result.outcome in ("ok", "input-error"), f"{result.outcome}: {result.error}"
    assert result.peak_mb < MEMORY_LIMIT_MB, f"peak {result.peak_mb:.0f} MB"
