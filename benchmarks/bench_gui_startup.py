"""Start-up of the desktop window (from starting the process to a painted, usable window)
and of the command line's ``analyze`` and ``report`` on small files (issue 15).

Each sample is a fresh process (as a user's double-click is): the parent notes the time,
starts the child, and the child reports when the window has been shown, laid out, painted
and the event loop is idle (the window's ``ready`` signal), plus whether scapy or pyqtgraph
were imported by then (neither should be: capture and plots load later, off the way).
Reference: a bare Qt window (one QLabel) started the same way in the same run.

    .venv/bin/python benchmarks/bench_gui_startup.py [--runs 5]
    xvfb-run -a .venv/bin/python benchmarks/bench_gui_startup.py   # on a real X server
    .venv/bin/python benchmarks/bench_gui_startup.py --cli-only    # the commands alone
    .venv/bin/python benchmarks/bench_gui_startup.py --cli-only --bytecode cached

Command line: ``wiresleuth analyze`` of a one-packet capture and ``wiresleuth report`` of
the committed sample bundle, each a fresh process timed from start to exit (wall clock),
against ``tshark -r`` of the same capture in the same run (goal: ``analyze`` at most
tshark's time), twice by default: as this environment runs Python (here
``PYTHONDONTWRITEBYTECODE=1``: every module compiled at every start) and with a bytecode
cache (as the installed app runs, its modules compiled once); the load average before and
after; then, for each command, which heavy libraries its process had imported when it
ended (Qt, pyqtgraph and scapy should be none; numpy only for ``analyze``, which decodes
with it).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
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


HEAVY = ("PySide6", "pyqtgraph", "scapy", "numpy", "cryptography", "requests", "asyncio")
"""Libraries a short command should import only when it uses them."""
_IMPORTED = """
import atexit, json, sys
from wiresleuth.cli.main import main
heavy = {heavy!r}
def report():
    found = sorted({{m.split(".")[0] for m in sys.modules}} & set(heavy))
    sys.stderr.write("\\nIMPORTED " + json.dumps(found) + "\\n")
atexit.register(report)
sys.argv = ["wiresleuth", *{argv!r}]
raise SystemExit(main())
"""


def one_packet_capture(path: str) -> None:
    """A classic pcap holding one Ethernet/IPv4/TCP SYN-ACK (lab addresses)."""
    import struct

    header = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)
    frame = bytes(12) + b"\x08\x00"
    frame += bytes([0x45, 0, 0, 40, 0, 0, 0x40, 0, 64, 6, 0, 0, 100, 64, 1, 10, 198, 18, 1, 10])
    frame += struct.pack("!HHIIBBHHH", 443, 40000, 1, 0, 0x50, 0x12, 65535, 0, 0)
    record = struct.pack("<IIII", 1_700_000_000, 0, len(frame), len(frame))
    with open(path, "wb") as out:
        out.write(header + record + frame)


def wall(argv: list[str], env: dict[str, str] | None = None) -> float:
    """Seconds from starting ``argv`` to its exit (its output thrown away).

    The exit is waited for, not polled: ``subprocess``'s wait with a timeout polls in steps
    of up to 50 ms, which made every figure a multiple of them; a timer kills a child that
    hangs instead."""
    started = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    watchdog = threading.Timer(120, child.kill)
    watchdog.start()
    try:
        child.wait()
    finally:
        watchdog.cancel()
    return time.perf_counter() - started


def imported(argv: list[str]) -> list[str]:
    """The heavy libraries ``wiresleuth ARGV`` had imported when it ended."""
    code = _IMPORTED.format(heavy=HEAVY, argv=argv)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    lines = [line for line in done.stderr.splitlines() if line.startswith("IMPORTED ")]
    found: list[str] = json.loads(lines[-1].split(" ", 1)[1]) if lines else ["(unknown)"]
    return found


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"


def cli(runs: int, bytecode: str) -> None:
    """The commands as this environment runs them, and/or with a bytecode cache (a fresh
    ``PYTHONPYCACHEPREFIX``, filled by the warm-up: as an installed app, whose modules
    are compiled once), each against tshark in the same alternation."""
    import shutil

    program = os.path.join(os.path.dirname(sys.executable), "wiresleuth")
    bundle = os.path.join(os.path.dirname(__file__), "..", "tests", "bundle", "samples",
                          "format-1.wsbundle")  # fmt: skip
    tshark = shutil.which("tshark")
    with tempfile.TemporaryDirectory() as folder:
        capture = os.path.join(folder, "one-packet.pcap")
        one_packet_capture(capture)
        cached = dict(os.environ, PYTHONPYCACHEPREFIX=os.path.join(folder, "pycache"))
        cached.pop("PYTHONDONTWRITEBYTECODE", None)
        modes = {
            "as-is": ("as this environment runs it", None),
            "cached": ("bytecode cached", cached),
        }
        chosen = list(modes) if bytecode == "both" else [bytecode]
        print(f"load average before: {_load()}; PYTHONDONTWRITEBYTECODE="
              f"{os.environ.get('PYTHONDONTWRITEBYTECODE', '')!r}")  # fmt: skip
        for mode in chosen:
            title, env = modes[mode]
            commands = {
                "wiresleuth analyze": [program, "analyze", capture],
                "wiresleuth report": [program, "report", bundle],
            }
            if tshark:
                commands["tshark -r (reference)"] = [tshark, "-r", capture]
            for argv in commands.values():
                wall(argv, env)  # warm the OS file cache (and fill the bytecode cache)
            times = {name: [0.0] * runs for name in commands}
            for run in range(runs):  # alternating, so load changes hit every command alike
                for name, argv in commands.items():
                    times[name][run] = wall(argv, env)
            reference = statistics.median(times["tshark -r (reference)"]) if tshark else None
            print(f"command line, {title}, {runs} warm starts each, alternating:")
            for name, samples in times.items():
                median = statistics.median(samples)
                ratio = f"; {median / reference:.2f}x tshark" if reference else ""
                print(f"  {name:24} median {median:.3f} s (min {min(samples):.3f}){ratio}")
        print(f"load average after: {_load()}")
        for name, argv in [("wiresleuth analyze", [program, "analyze", capture]),
                           ("wiresleuth report", [program, "report", bundle])]:  # fmt: skip
            print(
                f"  {name} imported: {', '.join(imported(argv[1:])) or 'none of ' + ', '.join(HEAVY)}"
            )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cli-only", action="store_true", help="only the command line")
    parser.add_argument(
        "--bytecode",
        choices=("as-is", "cached", "both"),
        default="both",
        help="the commands as this environment runs them, with a bytecode cache, or both",
    )
    args = parser.parse_args()
    cli(args.runs, args.bytecode)
    if args.cli_only:
        return 0
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
