"""The fuzz worker: a process that reads cases (one JSON line each: kind, path, and whether
to write a bundle) and runs every reader a user's file meets, as the commands and the
viewer run them.

Capture files go through ``analyze`` (and, when asked, ``analyze --out``: the bundle is
written and read back) and the viewer's packet table; bundles through ``report``,
``report --json`` and the viewer's model (which extracts the capture and decodes it).

It answers one JSON line per case: the outcome ("ok", "input-error" when one of our
BadInput errors refused the file, "crash" for any other exception, with its traceback), the
seconds taken and the case's peak resident memory. The peak is per case: the kernel's
high-water mark is reset before each one (``/proc/self/clear_refs``) and read after it
(``VmHWM``). The parent bounds each case's time and restarts the worker after a hang.

Run by ``tests/fuzz/runner.py``: ``python -m tests.fuzz.worker``.
"""

from __future__ import annotations

import faulthandler
import json
import resource
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

from wiresleuth.errors import BadInput

TABLE_PACKETS = 200_000
"""Packets the viewer's table reads at most (as ``gui.document``)."""


def _reset_peak() -> None:
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
    except OSError:
        pass  # not Linux: the peak is then the process's high-water mark so far


def _peak_mb() -> float:
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_capture(path: Path, *, bundle: bool) -> None:
    """``wiresleuth analyze FILE --json`` (with ``bundle``: ``--out B``, read back) and the
    packet table of ``open FILE``."""
    from wiresleuth.bundle.reader import read_bundle
    from wiresleuth.bundle.writer import write_bundle
    from wiresleuth.capture.fast_decode import AddressBook, decode_batch
    from wiresleuth.capture.fast_records import batch_records
    from wiresleuth.capture.record_reader import CaptureReader
    from wiresleuth.cli.analyze_cmd import json_report
    from wiresleuth.report.summary import summary_text
    from wiresleuth.sources.capture_file import analyze_file, run_result

    analysis = analyze_file(path)
    json.dumps(json_report(analysis), ensure_ascii=False, allow_nan=False)
    summary_text(analysis.findings)
    if bundle:
        with tempfile.TemporaryDirectory(prefix="wiresleuth-fuzz-") as work:
            result = run_result(analysis, Path(work))
            written = read_bundle(write_bundle(result, Path(work) / "out.wsbundle"))
            summary_text(written.findings, written.capture)
    book = AddressBook()
    with CaptureReader(path, max_packets=TABLE_PACKETS) as reader:  # the viewer's table
        for batch in reader.batches():
            batch_records(batch, decode_batch(batch, book), book)


def run_bundle(path: Path) -> None:
    """``wiresleuth report B``, ``report --json B`` and ``open B`` (the viewer's model: the
    capture extracted, checked and decoded by the scapy reader)."""
    from wiresleuth.bundle.reader import read_bundle
    from wiresleuth.gui.document import load_document
    from wiresleuth.report.summary import summary_text

    bundle = read_bundle(path)
    summary_text(bundle.findings, bundle.capture)
    json.dumps(bundle.report, indent=2, ensure_ascii=False)
    load_document(path)


def run_case(kind: str, path: Path, *, bundle: bool = True) -> dict[str, Any]:
    """Run one case; its outcome, error, seconds and peak memory (MB)."""
    _reset_peak()
    started = time.perf_counter()
    outcome, error = "ok", ""
    try:
        if kind == "capture":
            run_capture(path, bundle=bundle)
        else:
            run_bundle(path)
    except BadInput as exc:
        outcome, error = "input-error", f"{type(exc).__name__}: {exc}"[:2000]
    except Exception:
        outcome, error = "crash", traceback.format_exc()[-4000:]
    return {
        "outcome": outcome,
        "error": error,
        "seconds": time.perf_counter() - started,
        "peak_mb": _peak_mb(),
    }


def main() -> None:
    faulthandler.enable()
    for line in sys.stdin:
        request = json.loads(line)
        answer = run_case(request["kind"], Path(request["path"]), bundle=request["bundle"])
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
