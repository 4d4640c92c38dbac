"""Start-up of the desktop window: from starting the process to a painted, usable window.

Each sample is a fresh process (as a user's double-click is): the parent notes the time,
starts the child, and the child reports when the window has been shown, laid out, painted
and the event loop is idle (the window's ``ready`` signal), plus whether scapy or pyqtgraph
were imported by then (neither should be: capture and plots load later, off the way).
Reference: a bare Qt window (one QLabel) started the same way in the same run.

    .venv/bin/python benchmarks/bench_gui_startup.py [--runs 5]
    xvfb-run -a .venv/bin/python benchmarks/bench_gui_startup.py   # on a real X server
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

TARGET_SECONDS = 1.5
"""The issue's target on the development machine."""

_WINDOW = """
import json, os, sys, time
from wiresleuth.gui.app import create_application, window_profile
from wiresleuth.gui.qt_main_window import QtMainWindow
app = create_application(offscreen=not os.environ.get("DISPLAY"))
located, _ = window_profile()
window = QtMainWindow(located.profile)
def ready():
    window.repaint()
    at = time.time()
    heavy = sorted({m.split(".")[0] for m in sys.modules if m.split(".")[0] in ("scapy", "pyqtgraph")})
    print(json.dumps({"ready": at - float(os.environ["WS_BENCH_T0"]), "heavy": heavy,
                      "platform": app.platformName()}), flush=True)
    app.quit()
window.ready.connect(ready)
window.show()
app.exec()
"""

_BARE = """
import json, os, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel
if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
app = QApplication([])
label = QLabel("hello")
label.resize(1180, 700)
def ready():
    label.repaint()
    print(json.dumps({"ready": time.time() - float(os.environ["WS_BENCH_T0"]), "heavy": [],
                      "platform": app.platformName()}), flush=True)
    app.quit()
label.show()
QTimer.singleShot(0, ready)
app.exec()
"""


def sample(code: str, home: str) -> dict[str, object]:
    env = dict(os.environ, HOME=home, XDG_CONFIG_HOME=os.path.join(home, ".config"))
    env["WS_BENCH_T0"] = repr(time.time())
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    if done.returncode != 0:
        raise SystemExit(f"child failed ({done.returncode}): {done.stderr[-2000:]}")
    line = [line for line in done.stdout.splitlines() if line.startswith("{")][-1]
    result: dict[str, object] = json.loads(line)
    return result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:  # no user profile: the built-in one
        sample(_WINDOW, home)  # warm the OS file cache: the figures are for a warm start
        window = [sample(_WINDOW, home) for _ in range(args.runs)]
        bare = [sample(_BARE, home) for _ in range(args.runs)]
    times = [float(str(s["ready"])) for s in window]
    reference = statistics.median(float(str(s["ready"])) for s in bare)
    median = statistics.median(times)
    print(f"platform: {window[0]['platform']}, {args.runs} warm starts each")
    print(
        f"window usable after: median {median:.3f} s, min {min(times):.3f} s, "
        f"max {max(times):.3f} s (target < {TARGET_SECONDS} s)"
    )
    print(f"bare Qt window (reference): median {reference:.3f} s; ratio {median / reference:.2f}x")
    heavy = sorted({name for s in window for name in s["heavy"]})  # type: ignore[attr-defined]
    print(f"imported at start-up among scapy/pyqtgraph: {', '.join(heavy) or 'neither'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
