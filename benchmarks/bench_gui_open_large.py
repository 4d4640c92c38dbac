"""Opening a million-packet capture in the window: first paint, peak memory, responsiveness,
cancelling.

Generates (once, then reuses: the same file as ``bench_analyze.py``) a 1 000 000-packet
TCP/TLS capture with ``tests/capture/synthetic.py``, then drives the real window (offscreen
without a display): File > Open of the file, timed to the viewer's first paint, with a 10 ms
timer on the window's event loop measuring its longest stall while the worker loads; then
the same file opened again and cancelled after two seconds, timed to the worker's end. It
prints figures, never asserts times::

    .venv/bin/python benchmarks/bench_gui_open_large.py [--packets 1000000]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

MB = 1024 * 1024


def generate(path: Path, packets: int) -> None:
    from tests.capture.synthetic import TrafficStats, traffic, write_pcap

    if path.exists():
        print(f"capture  : {path} (reused, {path.stat().st_size / MB:.0f} MB)")
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    stats = TrafficStats()
    partial = path.with_suffix(".part")
    write_pcap(partial, traffic(packets, stats=stats))
    partial.rename(path)
    print(f"capture  : {stats.packets} packets, {path.stat().st_size / MB:.0f} MB")


class Stalls:
    """The longest gap between the ticks of a 10 ms timer: how long the window froze."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.longest = 0.0
        self.over_100ms = 0
        self._last = time.perf_counter()
        self._timer = QTimer()
        self._timer.setInterval(10)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        gap = now - self._last
        self._last = now
        self.longest = max(self.longest, gap)
        self.over_100ms += gap > 0.1

    def stop(self) -> None:
        self._timer.stop()


def wait(app: object, done: object, seconds: float) -> bool:
    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + seconds
    while not done():  # type: ignore[operator]
        if time.monotonic() > deadline:
            return False
        QApplication.processEvents()
        time.sleep(0.002)
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--packets", type=int, default=1_000_000)
    parser.add_argument("--file", type=Path, default=Path("/tmp/wiresleuth-bench/analyze.pcap"))
    args = parser.parse_args()
    path = args.file.with_name(f"{args.file.stem}-{args.packets}{args.file.suffix}")
    generate(path, args.packets)
    if not os.environ.get("DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtCore import QEvent, QObject

    from wiresleuth.gui.app import create_application
    from wiresleuth.gui.capture_rights import CaptureRights
    from wiresleuth.gui.qt_main_window import QtMainWindow
    from wiresleuth.profile import default_profile

    app = create_application()
    window = QtMainWindow(
        default_profile(), capture=False, rights=CaptureRights(available=True), warm_up=False
    )
    window.resize(1366, 740)
    window.show()
    wait(app, lambda: window._ready_sent, 10)
    viewer = window.viewer_page()
    painted: list[float] = []

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and viewer.document is not None and not painted:
                painted.append(time.perf_counter())
            return False

    watcher = FirstPaint()
    viewer.timeline._view.viewport().installEventFilter(watcher)
    print(f"machine  : {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}, Qt {app.platformName()}")

    stalls = Stalls()
    began = time.perf_counter()
    arrived: list[float] = []
    window.document_shown.connect(lambda _d: arrived.append(time.perf_counter()))
    window.open_path(path)
    wait(app, lambda: bool(arrived), 600)
    loading_stalls = (stalls.longest, stalls.over_100ms)
    shown = wait(app, lambda: bool(painted), 600)
    stalls.stop()
    document = viewer.document
    if not shown or document is None:
        print(f"open     : not shown within 600 s ({window.last_error})")
        return 1
    print(
        f"open     : first paint of the viewer {painted[0] - began:.1f} s after File > Open "
        f"({len(document.packets)} packets in the list of {document.capture.packets}, "
        f"{len(document.connections)} timelines)"
    )
    print(
        f"window   : while the worker loads, longest event-loop stall "
        f"{loading_stalls[0] * 1000:.0f} ms ({loading_stalls[1]} over 100 ms); showing the "
        f"document (set_document to first paint) {painted[0] - arrived[0]:.2f} s"
    )
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"memory   : peak {own:.0f} MB (window process), {children:.0f} MB (second scan process)")

    pane = viewer.packet_pane
    middle = len(document.packets) // 2
    began = time.perf_counter()
    pane.table.selectRow(middle)
    wait(app, lambda: pane.shown_details is not None, 60)
    print(f"details  : frame at row {middle}: {time.perf_counter() - began:.2f} s (read from the file)")
    began = time.perf_counter()
    pane.text_filter.setText("retransmission")
    pane.apply_filter()
    wait(app, lambda: pane.table.table_model.rows.haystack_ready and "Reading" not in pane.count.text(), 600)
    print(
        f"filter   : text filter over {len(document.packets)} packets {time.perf_counter() - began:.1f} s "
        f"(every row's text worked out in a worker): {pane.count.text()}"
    )

    window.show_start()
    stalls = Stalls()
    window.open_path(path)
    wait(app, lambda: False, 2.0)
    began = time.perf_counter()
    window.open_progress().cancel()
    stopped = wait(app, lambda: not window.open_progress().isVisible(), 120)
    stalls.stop()
    print(
        f"cancel   : worker stopped {time.perf_counter() - began:.2f} s after Cancel "
        f"({'yes' if stopped else 'NO'}); status: {window.statusBar().currentMessage()!r}; "
        f"longest stall {stalls.longest * 1000:.0f} ms"
    )
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
