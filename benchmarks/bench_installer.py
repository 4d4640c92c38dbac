"""Size and start-up time of the frozen app next to the source run's.

    .venv/bin/python benchmarks/bench_installer.py [--app dist/wiresleuth] [--runs 5]

Start-up is timed three ways, each the median of ``--runs`` runs after one warm-up:
``--version`` (interpreter and CLI start), ``report --json`` on a small bundle (the core
imports and package data), and the window rendered offscreen to a PNG (Qt, pyqtgraph and
the GUI; skipped when the CLI has no ``--screenshot``). Sizes: the app folder, the newest
.deb in dist/ if any, and for the source run the virtualenv's site-packages plus the package.
Sizes are held to a budget (issue 11): the folder at most 230 MB, the .deb at most 70 MB; the
largest parts of the folder are listed, and the exit status is 1 when a budget is exceeded.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDER_BUDGET_MB = 230
DEB_BUDGET_MB = 70


def folder_bytes(folder: Path) -> tuple[int, int]:
    """(bytes, files) of a folder, symlinks not followed."""
    total = files = 0
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            total += path.stat().st_size
            files += 1
    return total, files


def budget(name: str, size_mb: float, limit_mb: float) -> bool:
    """Print one size against its budget; True when within it."""
    within = size_mb <= limit_mb
    verdict = "within budget" if within else "OVER BUDGET"
    print(f"  {name}: {size_mb:.1f} MB, budget {limit_mb} MB: {verdict}")
    return within


def largest_parts(folder: Path, count: int = 8) -> list[tuple[str, int]]:
    """The biggest entries directly under ``_internal`` (folders summed), largest first."""
    internal = folder / "_internal"
    if not internal.is_dir():
        return []
    sizes = []
    for entry in internal.iterdir():
        if entry.is_symlink():
            continue
        size = folder_bytes(entry)[0] if entry.is_dir() else entry.stat().st_size
        sizes.append((entry.name, size))
    return sorted(sizes, key=lambda item: -item[1])[:count]


def timed(command: Sequence[str], runs: int) -> float | None:
    """Median wall time in seconds of ``runs`` runs after a warm-up; None if it fails."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    samples = []
    for attempt in range(runs + 1):
        started = time.perf_counter()
        done = subprocess.run(
            command,
            capture_output=True,
            env=env,
            timeout=120,
            check=False,
            stdin=subprocess.DEVNULL,
        )
        elapsed = time.perf_counter() - started
        if done.returncode not in (0, 1):
            print(f"  {' '.join(command)} failed: {done.stderr.decode()[-300:]}", file=sys.stderr)
            return None
        if attempt:
            samples.append(elapsed)
    return statistics.median(samples)


def sample_bundle(folder: Path) -> Path:
    """A small real bundle (the bundle tests' captured run)."""
    sys.path.insert(0, str(ROOT))
    from tests.bundle.sample_runs import captured_run

    from wiresleuth.bundle.writer import write_bundle

    (folder / "capture").mkdir()
    return write_bundle(captured_run(folder / "capture"), folder / "sample.wsbundle")


def has_screenshot(program: Sequence[str]) -> bool:
    shown = subprocess.run([*program, "--help"], capture_output=True, text=True, timeout=60)
    return "--screenshot" in shown.stdout


def row(name: str, frozen: float | None, source: float | None) -> str:
    def cell(value: float | None) -> str:
        return "   n/a" if value is None else f"{value:6.2f}"

    return f"  {name:<34} {cell(frozen)} s   {cell(source)} s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench_installer")
    parser.add_argument("--app", type=Path, default=ROOT / "dist" / "wiresleuth")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--deb", type=Path, help="the .deb to measure (default: newest in dist/)")
    parser.add_argument("--size-only", action="store_true", help="sizes and budgets, no timings")
    args = parser.parse_args(argv)
    frozen = [str(args.app / "wiresleuth")]
    source = [sys.executable, "-m", "wiresleuth"]
    if not Path(frozen[0]).is_file():
        print(f"no frozen app at {args.app}: build it with `make installer`", file=sys.stderr)
        return 2

    app_bytes, app_files = folder_bytes(args.app)
    site = Path(sysconfig.get_paths()["purelib"])
    venv_bytes, venv_files = folder_bytes(site)
    print("Size")
    print(f"  frozen app folder {args.app}: {app_bytes / 1e6:.1f} MB in {app_files} files")
    for name, size in largest_parts(args.app):
        print(f"    {size / 1e6:6.1f} MB  _internal/{name}")
    within = budget("app folder", app_bytes / 1e6, FOLDER_BUDGET_MB)
    debs = sorted((ROOT / "dist").glob("wiresleuth_*.deb"), key=lambda p: p.stat().st_mtime)
    if args.deb is not None:
        debs = [args.deb]
    if debs:
        within &= budget(
            f"{debs[-1].name} (compressed)", debs[-1].stat().st_size / 1e6, DEB_BUDGET_MB
        )
    else:
        print("  no .deb in dist/ (make installer): its budget is not checked")
    print(f"  source: site-packages {venv_bytes / 1e6:.0f} MB in {venv_files} files (plus Python)")
    if args.size_only:
        return 0 if within else 1

    with tempfile.TemporaryDirectory() as folder:
        bundle = sample_bundle(Path(folder))
        shot = Path(folder) / "window.png"
        print(f"Start-up (median of {args.runs})        frozen      source")
        print(row("--version", timed([*frozen, "--version"], args.runs),
                  timed([*source, "--version"], args.runs)))  # fmt: skip
        print(row("report --json BUNDLE", timed([*frozen, "report", "--json", str(bundle)], args.runs),
                  timed([*source, "report", "--json", str(bundle)], args.runs)))  # fmt: skip
        if has_screenshot(frozen) and has_screenshot(source):
            print(row("window offscreen to PNG", timed([*frozen, "--screenshot", str(shot)], args.runs),
                      timed([*source, "--screenshot", str(shot)], args.runs)))  # fmt: skip
        else:
            print("  window offscreen to PNG: this build has no --screenshot")
    return 0 if within else 1


if __name__ == "__main__":
    raise SystemExit(main())
