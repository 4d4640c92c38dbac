"""The timeline with 100 000 packets: loading it, and a repaint when zoomed out, zoomed in and
panned (what a user feels while dragging). Reference: the same with 1 000 packets.

    .venv/bin/python benchmarks/bench_gui_timeline.py [--packets 100000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.* helpers

PER_CONNECTION = 500


def run(packets_wanted: int) -> dict[str, float]:
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication
    from tests.gui.synthetic import synthetic_packets

    from wiresleuth.analysis.flows import assemble_flows
    from wiresleuth.analysis.timeline import build_timelines
    from wiresleuth.gui.packet_arrays import packet_arrays
    from wiresleuth.gui.qt_timeline import QtTimeline

    figures: dict[str, float] = {}
    packets = synthetic_packets(max(1, packets_wanted // PER_CONNECTION), PER_CONNECTION)
    began = time.perf_counter()
    connections = build_timelines(assemble_flows(packets))
    figures["analysis (core, for scale)"] = time.perf_counter() - began
    timeline = QtTimeline()
    timeline.resize(1100, 560)
    timeline.show()
    QApplication.processEvents()
    began = time.perf_counter()
    arrays = packet_arrays(packets, connections)
    figures["packet columns (loading worker)"] = time.perf_counter() - began
    began = time.perf_counter()
    timeline.set_connections(connections, packets[0].time, packets, arrays=arrays)
    figures["set_connections (window)"] = time.perf_counter() - began

    def repaint() -> float:
        QApplication.processEvents()
        began = time.perf_counter()
        timeline.grab()  # a full render of the widget, as a repaint does
        return time.perf_counter() - began

    figures["first paint (all, zoomed out)"] = repaint()
    figures["repaint zoomed out"] = statistics.median(repaint() for _ in range(5))
    middle = packets[len(packets) // 2].time - packets[0].time
    timeline._plot.setXRange(middle, middle + 0.5, padding=0)
    figures["repaint zoomed in (0.5 s)"] = statistics.median(repaint() for _ in range(5))
    pans = []
    for step in range(10):
        start = middle + step * 0.05
        timeline._plot.setXRange(start, start + 0.5, padding=0)
        pans.append(repaint())
    figures["pan step (median of 10)"] = statistics.median(pans)
    figures["pan step (worst of 10)"] = max(pans)
    lane = len(connections) // 2
    began = time.perf_counter()
    timeline.show_packets(list(connections[lane].packets[10:12]))
    figures["show_packets (evidence click)"] = time.perf_counter() - began
    timeline.close()
    timeline.deleteLater()  # let Qt delete it (pyqtgraph's items) before Python's collector does
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return figures


def open_file(packets_wanted: int) -> dict[str, float]:
    """File > Open of a pcap: loading (worker) and showing it in the viewer (window)."""
    import tempfile

    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication
    from tests.gui.synthetic import synthetic_packets, write_pcap

    from wiresleuth.gui.document import load_document
    from wiresleuth.gui.qt_viewer_page import QtViewerPage

    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        path = write_pcap(
            synthetic_packets(max(1, packets_wanted // PER_CONNECTION), PER_CONNECTION),
            Path(folder) / "big.pcap",
        )
        began = time.perf_counter()
        document = load_document(path)
        figures["open pcap: load and analyse (worker)"] = time.perf_counter() - began
    page = QtViewerPage()
    page.resize(1180, 640)
    page.show()
    QApplication.processEvents()
    began = time.perf_counter()
    page.set_document(document)
    figures["open pcap: show in viewer (window, 1st turn)"] = time.perf_counter() - began
    began = time.perf_counter()
    QApplication.processEvents()  # the other tabs, filled on the next turn, and the paint
    figures["open pcap: other tabs + paint (window, next turns)"] = time.perf_counter() - began
    page.close()
    page.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--packets", type=int, default=100_000)
    args = parser.parse_args()
    if not os.environ.get("DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from wiresleuth.gui.app import create_application

    app = create_application()
    reference = run(1_000) | open_file(1_000)
    big = run(args.packets) | open_file(args.packets)
    print(f"platform {app.platformName()}; {args.packets} packets vs 1 000 (reference)")
    for name, seconds in big.items():
        ratio = seconds / reference[name] if reference[name] > 0 else float("nan")
        print(f"{name:<52} {seconds * 1000:8.1f} ms   ({ratio:5.1f}x the 1 000-packet figure)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
