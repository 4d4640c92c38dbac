"""Opening a bundle whose one finding carries a huge evidence list (issue 20: 200 000 pieces of
evidence froze the window for 62 s). Figures: loading (worker thread), then what the window
thread spends showing it (the findings list, the other tabs and the first paint), and the
longest single turn of its event loop. Reference: the same bundle with 100 pieces.

    .venv/bin/python benchmarks/bench_gui_evidence.py [--evidence 200000]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.* helpers


def bundle(folder: Path, pieces: int) -> Path:
    """A bundle (no capture) whose first finding has ``pieces`` pieces of evidence, each
    citing a packet, as a damaged or hostile bundle might."""
    from dataclasses import replace

    from tests.bundle.sample_runs import uncaptured_run

    from wiresleuth.bundle.writer import write_bundle
    from wiresleuth.model.finding import Evidence

    run = uncaptured_run()
    first = run.findings[0]
    evidence = tuple(
        Evidence(text=f"RST seen {index} ms after the ClientHello", packets=(index + 1,))
        for index in range(pieces)
    )
    run = replace(run, findings=(replace(first, evidence=evidence), *run.findings[1:]))
    return write_bundle(run, folder / f"evidence-{pieces}.wsbundle")


def measure(path: Path) -> dict[str, float]:
    from PySide6.QtCore import QEvent, QTimer
    from PySide6.QtWidgets import QApplication

    from wiresleuth.gui.document import load_document
    from wiresleuth.gui.qt_viewer_page import QtViewerPage

    figures: dict[str, float] = {}
    began = time.perf_counter()
    document = load_document(path)
    figures["load (worker thread)"] = time.perf_counter() - began
    page = QtViewerPage()
    page.resize(1180, 640)
    page.show()
    QApplication.processEvents()
    turns: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:  # a 0 ms timer fires once per turn of the event loop: turn lengths
        now = time.perf_counter()
        turns.append(now - last[0])
        last[0] = now

    ticker = QTimer()
    ticker.setInterval(0)
    ticker.timeout.connect(tick)
    filled = [False]
    page.filled.connect(lambda: filled.__setitem__(0, True))
    began = time.perf_counter()
    ticker.start()
    last[0] = time.perf_counter()
    page.set_document(document)
    while not filled[0]:
        QApplication.processEvents()
    page.grab()  # the first paint, with the findings list laid out
    QApplication.processEvents()
    ticker.stop()
    figures["show (window thread, all turns)"] = time.perf_counter() - began
    figures["longest event-loop turn (window frozen)"] = max(turns, default=0.0)
    figures["rows in the findings list"] = float(len(page.findings.evidence_items()))
    page.close()
    page.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--evidence", type=int, default=200_000)
    args = parser.parse_args()
    if not os.environ.get("DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from wiresleuth.gui.app import create_application

    app = create_application()
    with tempfile.TemporaryDirectory() as folder:
        began = time.perf_counter()
        big_path = bundle(Path(folder), args.evidence)
        made = time.perf_counter() - began
        small = bundle(Path(folder), 100)
        measure(small)  # once to warm up (imports, pyqtgraph's first plot), then measured
        reference = measure(small)
        big = measure(big_path)
    print(
        f"platform {app.platformName()}; one finding with {args.evidence} pieces of evidence "
        f"vs 100 (reference); writing the bundle took {made:.1f} s"
    )
    for name, value in big.items():
        if name.startswith("rows"):
            print(f"{name:<44} {value:10.0f}      (reference {reference[name]:.0f})")
            continue
        ratio = value / reference[name] if reference[name] > 0 else float("nan")
        print(f"{name:<44} {value * 1000:10.1f} ms   ({ratio:7.1f}x the 100-piece figure)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
