"""Screenshots of every screen, for docs/screenshots and for looking at them.

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python -m tests.gui.screens OUT \
        [--profile lab-profile.toml] [--bundles A.wsbundle B.wsbundle] [--open C.wsbundle] \
        [--theme dark] [--viewer-only] [--hops-only] [--watch-only] [--large big.pcap]

``--viewer-only`` makes just the engineer's viewer screens, from the lab bundles in
tests/gui/samples/lab (evidence brackets, packet list and details, sequence graph, stream,
lanes, comparison); ``--large`` adds the progress of opening a large capture; ``--hops-only``
makes the viewer's hop list from the hop locator's lab bundles (tests/analysis/samples/hops).

Drives the real window through a real run: against the profile given (the lab's, run inside
its client namespace), else against TLS servers on loopback. Not a test (pytest does not
collect it); ``wiresleuth --screenshot`` and ``wiresleuth open B --screenshot`` make the
start and viewer screens the same way.
"""

from __future__ import annotations

import argparse
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import trustme
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from tests.gui.conftest import loopback_profile
from tests.probes.loopback_servers import LoopbackServer, reset_after, tls_ok, trust_env
from wiresleuth.capture.helper_path import HelperFacts
from wiresleuth.gui.app import create_application
from wiresleuth.gui.capture_rights import linux_rights
from wiresleuth.gui.qt_main_window import QtMainWindow
from wiresleuth.gui.qt_theme import Theme
from wiresleuth.profile import load_profile
from wiresleuth.profile.model import Profile


def wait_until(app: QApplication, done: Callable[[], bool], seconds: float) -> None:
    """Process events until ``done()`` or the deadline (then fail loudly)."""
    deadline = time.monotonic() + seconds
    while not done():
        if time.monotonic() > deadline:
            raise SystemExit("screens: timed out waiting for the window")
        app.processEvents()
        time.sleep(0.01)


def settle(app: QApplication, seconds: float = 0.4) -> None:
    """Let layouts and paints finish."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def save(widget: QWidget, out: Path, name: str, app: QApplication) -> None:
    settle(app)
    path = out / f"{name}.png"
    if not widget.grab().save(str(path)):
        raise SystemExit(f"screens: cannot write {path}")
    print(path)


def shoot(
    app: QApplication,
    out: Path,
    profile: Profile,
    bundles: list[Path],
    opened: Path | None,
    suffix: str,
) -> None:
    window = QtMainWindow(profile)
    window.show()
    wait_until(app, lambda: window._ready_sent, 10)
    save(window, out, f"start{suffix}", app)
    unprivileged = linux_rights(
        HelperFacts(path=Path("/usr/lib/wiresleuth/wiresleuth-capture"), packaged=True,
                    user="alice", group_exists=True),
        1000,
        "/usr/bin/pkexec",
    )  # fmt: skip
    window.start_page.set_capture_rights(unprivileged)
    window.rights = unprivileged
    save(window, out, f"start-no-capture{suffix}", app)
    window.show_capture_help()
    assert window.dialog is not None
    save(window.dialog, out, f"capture-rights{suffix}", app)
    window.dialog.close()

    window.start_page.site.setText(profile.targets[-1].url if profile.targets else "")
    window.start_page.run_button.click()
    wait_until(app, lambda: len(window.session.live()) >= 2, 30)
    settle(app, 0.6)
    save(window, out, f"progress{suffix}", app)
    wait_until(app, lambda: window.result is not None, 120)
    save(window, out, f"results{suffix}", app)

    dialog = window.save_for_helpdesk()
    assert dialog is not None
    dialog.path_edit.setText(str(out / "screens-run.wsbundle"))
    save(dialog, out, f"save{suffix}", app)
    dialog.save()
    wait_until(app, lambda: dialog.saved_path is not None, 30)
    save(dialog, out, f"saved{suffix}", app)
    dialog.accept()

    size = window.size()
    window.resize(1366, 740)  # the viewer's screens: every tab in sight, as viewer_shots
    window.show_details()
    viewer = window.viewer_page()
    rows = [i for i in viewer.findings.evidence_items() if "packets" in i.text(0)]
    if rows:
        viewer.findings.setCurrentItem(rows[0])
        viewer.findings.itemClicked.emit(rows[0], 0)
    save(window, out, f"viewer{suffix}", app)
    for part, name in (
        ("requests", "viewer-requests"),
        ("mtu", "viewer-mtu"),
        ("system", "viewer-system"),
        ("pac", "viewer-pac"),
    ):
        # The tabs hold each view inside its part guard: the part is the tab's page.
        viewer.tabs.setCurrentWidget(viewer.parts[part])
        if viewer.tabs.currentWidget() is not viewer.parts[part]:
            raise SystemExit(f"screens: the {part} tab did not come to the front")
        save(window, out, f"{name}{suffix}", app)
    viewer.tabs.setCurrentIndex(0)
    window.resize(size)

    if len(bundles) >= 2:
        window.compare_paths(bundles[0], bundles[1])
        wait_until(
            app,
            lambda: (
                window._compare_page is not None
                and window.stack.currentWidget() is window._compare_page
            ),
            60,
        )
        save(window, out, f"compare{suffix}", app)
    if opened is not None:
        window.open_path(opened)
        wait_until(app, lambda: window.windowTitle().startswith(opened.name), 60)
        save(window, out, f"viewer-bundle{suffix}", app)

    window.show_start()
    window.step_by_step(window.start_page.checks.selected()[0])
    wizard = window.dialog
    assert wizard is not None
    save(wizard, out, f"step-by-step{suffix}", app)
    wizard.reject()
    window.show_about()
    assert window.dialog is not None
    save(window.dialog, out, f"about{suffix}", app)
    window.dialog.close()
    window.close()


def viewer_shots(
    app: QApplication, out: Path, suffix: str, bundles: list[Path], large: Path | None
) -> None:
    """The viewer on lab bundles: each point of the user guide's viewer section."""
    from tests.gui.lab_samples import lab_bundle
    from wiresleuth.gui.capture_rights import CaptureRights
    from wiresleuth.profile import default_profile

    window = QtMainWindow(default_profile(), capture=False, rights=CaptureRights(available=True))
    window.resize(1366, 740)
    window.show()
    wait_until(app, lambda: window._ready_sent, 10)
    viewer = window.viewer_page()

    def open_bundle(name: str) -> None:
        window.open_path(lab_bundle(name))
        wait_until(app, lambda: window.windowTitle().startswith(f"{name}.wsbundle"), 60)
        settle(app, 0.6)

    def evidence(start: str) -> None:
        for item in viewer.findings.evidence_items():
            if item.text(0).startswith(f"Evidence: {start}"):
                viewer.findings.setCurrentItem(item)
                viewer.findings.scrollToItem(item)
                viewer.findings.itemClicked.emit(item, 0)
                settle(app, 0.8)
                return
        raise SystemExit(f"screens: no evidence {start!r}")

    def details(number: int) -> None:
        viewer.packet_pane.table.select_packets([number])
        wait_until(
            app,
            lambda: viewer.packet_pane.shown_details is not None
            and viewer.packet_pane.shown_details.number == number,
            20,
        )

    if suffix:  # the dark palette: one viewer screen and the comparison (its check box)
        open_bundle("C6")
        evidence("TCP handshake 0.1 ms")
        details(3)
        save(window, out, f"viewer{suffix}", app)
    else:
        open_bundle("C7")
        evidence("http request to 100.64.1.60:80 handed")
        details(17)
        save(window, out, f"viewer-evidence{suffix}", app)
        open_bundle("C6")
        evidence("TCP handshake 0.1 ms")
        details(3)
        save(window, out, f"viewer-bundle{suffix}", app)
        open_bundle("C4-nxdomain")
        viewer.packet_pane.clear_filters()
        split = viewer.parts["timeline"].view
        sizes = split.sizes()  # type: ignore[attr-defined]
        split.setSizes([220, sum(sizes) - 220])  # type: ignore[attr-defined]  # room for packets
        details(27)
        tree = viewer.packet_pane.details
        record = tree.topLevelItem(tree.topLevelItemCount() - 1)
        if record is not None:
            record.setExpanded(True)
            tree.setCurrentItem(record.child(record.childCount() - 1) or record)
        viewer.packet_pane.table.scrollTo(viewer.packet_pane.table.currentIndex())
        save(window, out, f"viewer-packets{suffix}", app)
        split.setSizes(sizes)  # type: ignore[attr-defined]
        viewer.timeline.select_lane(7)
        viewer.timeline.lane_list.setFocus()
        save(window, out, f"viewer-lanes{suffix}", app)
        open_bundle("C1")
        evidence("4096 bytes of the server's answer never arrived")
        viewer.tabs.setCurrentWidget(viewer.parts["sequence"])
        save(window, out, f"viewer-sequence{suffix}", app)
        open_bundle("C6")
        evidence("246 non-TLS bytes")
        viewer.packet_pane.follow_button.click()
        save(window, out, f"viewer-stream{suffix}", app)
        open_bundle("C1")
        evidence("37 of 37 packets")
        save(window, out, f"viewer-three-connections{suffix}", app)
    if len(bundles) < 2:
        bundles = good_and_bad_day(Path(tempfile.mkdtemp(prefix="wiresleuth-screens-")))
    first, second = bundles[0], bundles[1]
    window.compare_paths(first, second)
    page = window.compare_page()
    wait_until(app, lambda: window.stack.currentWidget() is page, 60)
    rows = [page.findings.topLevelItem(i) for i in range(page.findings.topLevelItemCount())]
    chosen = next((r for r in rows if r is not None and r.text(3) != "same"), None)
    if chosen is not None:
        page.findings.setCurrentItem(chosen)
    save(window, out, f"compare{suffix}", app)
    if large is not None:
        window.show_start()
        window.open_path(large)
        wait_until(app, lambda: window.open_progress().bar.value() > 150, 120)
        save(window, out, f"opening-large{suffix}", app)
        window.open_progress().cancel()
        wait_until(app, lambda: not window.open_progress().isVisible(), 60)
    window.close()


def hop_shots(app: QApplication, out: Path, suffix: str) -> None:
    """The viewer's hop list: C6's cache on hop 2, then the clamp and re-mark of hop 1."""
    from tests.analysis.hop_samples import SAMPLES
    from wiresleuth.gui.capture_rights import CaptureRights
    from wiresleuth.profile import default_profile

    window = QtMainWindow(default_profile(), capture=False, rights=CaptureRights(available=True))
    window.resize(1366, 740)
    window.show()
    wait_until(app, lambda: window._ready_sent, 10)
    viewer = window.viewer_page()
    for name, finding_id in (("C6", "path.tcp_intercepted"), ("mss-clamp", "path.header_rewritten")):
        window.open_path(SAMPLES / f"{name}.wsbundle")
        wait_until(app, lambda n=name: window.windowTitle().startswith(f"{n}.wsbundle"), 60)
        settle(app, 0.6)
        viewer.tabs.setCurrentWidget(viewer.parts["hops"])
        for index in range(viewer.findings.topLevelItemCount()):
            item = viewer.findings.topLevelItem(index)
            chosen = item.data(0, Qt.ItemDataRole.UserRole + 2) if item is not None else None
            if chosen is not None and getattr(chosen, "id", None) == finding_id:
                viewer.findings.setCurrentItem(item)
                break
        save(window, out, f"viewer-hops-{name}{suffix}", app)
    window.close()


def watch_shots(app: QApplication, out: Path, suffix: str) -> None:
    """The Watch tab of the flaky-policer lab bundle, then Keep watching against a loopback
    server that resets every third connection (a fault that comes and goes)."""
    from tests.gui.lab_samples import lab_bundle
    from wiresleuth.gui.capture_rights import CaptureRights
    from wiresleuth.profile import default_profile

    window = QtMainWindow(default_profile(), capture=False, rights=CaptureRights(available=True))
    window.resize(1366, 740)
    window.show()
    wait_until(app, lambda: window._ready_sent, 10)
    window.open_path(lab_bundle("flaky-policer"))
    wait_until(app, lambda: window.windowTitle().startswith("flaky-policer.wsbundle"), 60)
    viewer = window.viewer_page()
    wait_until(app, lambda: viewer.watch.summary is not None, 20)
    viewer.watch.choose(0)
    save(window, out, f"viewer-watch{suffix}", app)

    import os

    ca = trustme.CA()
    os.environ.update(trust_env(Path(tempfile.mkdtemp()), [ca], [ca]))
    good, bad = tls_ok(ca), reset_after(0.3)
    served = [0]

    def now_and_then(conn: socket.socket) -> None:
        served[0] += 1
        (bad if served[0] % 3 == 0 else good)(conn)

    with LoopbackServer(now_and_then) as server:
        window.profile = loopback_profile(f"localhost:{server.port}", run=20, handshake=2)
        window.keep_watching()
        page = window.watch_page()
        page.every.setValue(5)
        page.minutes.setValue(1)
        page.start_button.click()
        wait_until(app, lambda: page.lines.toPlainText().count("attempt ") >= 10, 120)
        page.stop()
        wait_until(app, lambda: page.run is not None and not page.watching, 30)
        page.view.choose(0)
        save(window, out, f"keep-watching{suffix}", app)
    window.close()


PAC_SCRIPT = (
    "function FindProxyForURL(url, host) {\n"
    '  if (isPlainHostName(host) || dnsDomainIs(host, ".corp.example")) return "DIRECT";\n'
    '  return "PROXY 198.18.2.10:3128; DIRECT";\n'
    "}\n"
)


def pac_server() -> ThreadingHTTPServer:
    """A PAC file on loopback (the helpdesk's proxy auto-configuration), served in a thread."""
    body = PAC_SCRIPT.encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/x-ns-proxy-autoconfig")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def good_and_bad_day(folder: Path) -> list[Path]:
    """Two bundles of the same site: reset after the ClientHello (bad day), then healthy."""
    import os

    from wiresleuth.bundle.writer import write_bundle
    from wiresleuth.engine import Engine
    from wiresleuth.wizards.registry import all_wizards

    ca = trustme.CA()
    saved = {
        k: os.environ.get(k)
        for k in ("SSL_CERT_FILE", "SSL_CERT_DIR", "WIRESLEUTH_PUBLIC_CA_BUNDLE")
    }
    os.environ.update(trust_env(folder, [ca], [ca]))
    behaviour = {"now": reset_after(0.8)}

    def today(conn: socket.socket) -> None:
        behaviour["now"](conn)

    paths = []
    try:
        with LoopbackServer(today) as server:
            profile = loopback_profile(f"localhost:{server.port}")
            for name in ("bad-day", "good-day"):
                result = Engine(profile, all_wizards(), capture=os.geteuid() == 0).run()
                paths.append(write_bundle(result, folder / f"{name}.wsbundle"))
                behaviour["now"] = tls_ok(ca)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return paths


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.gui.screens")
    parser.add_argument("out", type=Path)
    parser.add_argument("--profile", type=Path, help="run against this profile (e.g. the lab's)")
    parser.add_argument(
        "--bundles",
        type=Path,
        nargs="*",
        default=[],
        help="A B: the bundles to compare (default: a bad and a good day on loopback)",
    )
    parser.add_argument("--open", type=Path, help="a bundle or capture to show in the viewer")
    parser.add_argument("--theme", choices=("light", "dark"), default="light")
    parser.add_argument("--viewer-only", action="store_true", help="the viewer's screens only")
    parser.add_argument("--large", type=Path, help="a large capture: the progress of opening it")
    parser.add_argument("--hops-only", action="store_true", help="the viewer's hop lists only")
    parser.add_argument("--watch-only", action="store_true", help="the watch's screens only")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    app = create_application(Theme(args.theme))
    suffix = "" if args.theme == "light" else f"-{args.theme}"
    if args.watch_only:
        watch_shots(app, args.out, suffix)
        QTimer.singleShot(0, app.quit)
        app.exec()
        return 0
    if args.hops_only:
        hop_shots(app, args.out, suffix)
        QTimer.singleShot(0, app.quit)
        app.exec()
        return 0
    if args.viewer_only:
        viewer_shots(app, args.out, suffix, args.bundles, args.large)
        QTimer.singleShot(0, app.quit)
        app.exec()
        return 0
    bundles = args.bundles or good_and_bad_day(Path(tempfile.mkdtemp(prefix="wiresleuth-screens-")))
    if args.profile:
        shoot(app, args.out, load_profile(args.profile), bundles, args.open, suffix)
    else:
        ca = trustme.CA()
        import os

        os.environ.update(trust_env(Path(tempfile.mkdtemp()), [ca], [ca]))
        pac = pac_server()
        try:
            with LoopbackServer(tls_ok(ca)) as good, LoopbackServer(reset_after(2.0)) as bad:
                base = loopback_profile(
                    f"localhost:{good.port}", f"localhost:{bad.port}", run=30, handshake=5
                )
                profile = replace(
                    base, pac_url=f"http://127.0.0.1:{pac.server_address[1]}/wpad.dat"
                )
                shoot(app, args.out, profile, bundles, args.open, suffix)
        finally:
            pac.shutdown()
            pac.server_close()
    QTimer.singleShot(0, app.quit)
    app.exec()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
