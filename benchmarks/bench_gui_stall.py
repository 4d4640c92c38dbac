"""The longest the window's event loop is blocked during a run (target: never above 100 ms).

A QTimer heartbeat every 10 ms records how late each tick comes; the lateness is the time
the GUI thread was busy elsewhere. Phases: start-up (from the window shown: its first paint, then the other pages built in
idle time; bench_gui_startup.py times the start itself), an idle
window (the reference), the run itself
(engine in a worker, progress and the live timeline on the GUI thread), opening the run in
the engineer's viewer, and saving the bundle. The run is real: the engine against TLS
servers on loopback, or, with ``--lab C8``, inside the lab's client namespace (needs root).

    .venv/bin/python benchmarks/bench_gui_stall.py
    .venv/bin/python benchmarks/bench_gui_stall.py --lab C8
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.* helpers

BEAT_MS = 10
LIMIT_MS = 100.0
"""The issue's limit for one stall."""
LAB_PREFIX = "wsb-"
"""This benchmark's own lab prefix."""


class Heartbeat:
    """Records how late each tick of a 10 ms timer is, per phase."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.phases: dict[str, list[float]] = {}
        self._phase = "start-up"
        self._last = time.perf_counter()
        self._timer = QTimer()
        self._timer.setInterval(BEAT_MS)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        late = (now - self._last) * 1000 - BEAT_MS
        self.phases.setdefault(self._phase, []).append(max(late, 0.0))
        self._last = now

    def phase(self, name: str) -> None:
        self._phase = name
        self._last = time.perf_counter()

    def report(self) -> None:
        reference = max(self.phases.get("idle", [0.0]))
        for name, gaps in self.phases.items():
            p99 = statistics.quantiles(gaps, n=100)[98] if len(gaps) >= 100 else max(gaps)
            over = sum(g > LIMIT_MS for g in gaps)
            ratio = f"{max(gaps) / reference:.1f}x idle" if reference > 0 else ""
            print(
                f"{name:<10} ticks {len(gaps):>5}  longest stall {max(gaps):6.1f} ms  "
                f"p99 {p99:5.1f} ms  over {LIMIT_MS:.0f} ms: {over}  {ratio}"
            )


def pump(app: object, until: Callable[[], bool], seconds: float) -> None:
    from PySide6.QtWidgets import QApplication

    assert isinstance(app, QApplication)
    deadline = time.monotonic() + seconds
    while not until():
        if time.monotonic() > deadline:
            raise SystemExit("bench: timed out")
        app.processEvents()
        time.sleep(0.001)


def measure(profile_path: Path | None) -> None:
    from wiresleuth.gui.app import create_application
    from wiresleuth.gui.qt_main_window import QtMainWindow
    from wiresleuth.profile import load_profile

    app = create_application(offscreen=not os.environ.get("DISPLAY"))
    servers = []
    if profile_path is not None:
        profile = load_profile(profile_path)
    else:
        import trustme
        from tests.gui.conftest import loopback_profile
        from tests.probes.loopback_servers import LoopbackServer, reset_after, tls_ok, trust_env

        ca = trustme.CA()
        os.environ.update(trust_env(Path(tempfile.mkdtemp()), [ca], [ca]))
        servers = [LoopbackServer(tls_ok(ca)), LoopbackServer(reset_after(1.0))]
        profile = loopback_profile(*(f"localhost:{s.port}" for s in servers), run=60, handshake=5)
    began = time.monotonic()
    window = QtMainWindow(profile)
    window.show()
    beat = Heartbeat()  # from here the event loop runs: first paint, then pages built idle
    pump(app, lambda: window.warmed_up, 30)
    print(
        f"window ready and every page built in {time.monotonic() - began:.2f} s; "
        f"platform {app.platformName()}"
    )
    beat.phase("idle")
    idle_until = time.monotonic() + 2.0
    pump(app, lambda: time.monotonic() > idle_until, 10)  # the reference: an idle window
    beat.phase("run")
    started = time.monotonic()
    window.start_page.run_button.click()
    pump(app, lambda: window.result is not None, 180)
    assert window.result is not None
    print(
        f"run took {time.monotonic() - started:.1f} s: {len(window.result.findings)} findings, "
        f"{len(window.result.packets)} packets, capture {window.result.capture.available}"
    )
    beat.phase("viewer")
    window.show_details()
    end = time.monotonic() + 1.0
    pump(app, lambda: time.monotonic() > end, 5)
    beat.phase("save")
    dialog = window.save_for_helpdesk()
    assert dialog is not None
    folder = Path(tempfile.mkdtemp())
    dialog.path_edit.setText(str(folder / "bench.wsbundle"))
    dialog.save()
    pump(app, lambda: dialog.saved_path is not None, 60)
    end = time.monotonic() + 0.3
    pump(app, lambda: time.monotonic() > end, 5)
    beat.report()
    for server in servers:
        server.close()
    window.close()


def in_lab(scenario: str) -> None:
    from wiresleuth.lab.lab import check_host, lab_exists, teardown_lab
    from wiresleuth.lab.names import PREFIX_ENV, LabNames
    from wiresleuth.lab.runner import bring_up

    check_host()
    os.environ[PREFIX_ENV] = LAB_PREFIX
    names = LabNames(prefix=LAB_PREFIX)
    if lab_exists(names):
        teardown_lab(names)
    lab = bring_up(scenario)
    try:
        env = dict(os.environ)
        env.update(
            SSL_CERT_FILE=str(lab.bundles.os_trust),
            WIRESLEUTH_PUBLIC_CA_BUNDLE=str(lab.bundles.public),
            HOME=tempfile.mkdtemp(),
        )
        print(f"lab {scenario} is up; running the window inside {names.ns('client')}", flush=True)
        subprocess.run(
            ["ip", "netns", "exec", names.ns("client"), sys.executable, __file__, "--inside", str(lab.state_dir / "profile.toml")],
            env=env, check=True, timeout=300,
        )  # fmt: skip
    finally:
        errors = lab.teardown()
        if errors:
            print(f"lab teardown problems: {errors}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lab", metavar="SCENARIO", help="run inside the lab (C8, C1 ...)")
    parser.add_argument("--inside", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.lab:
        in_lab(args.lab)
    else:
        measure(args.inside)
    return 0


if __name__ == "__main__":
    sys.exit(main())
