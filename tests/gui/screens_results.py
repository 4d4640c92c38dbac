"""Screenshots of the user's and the helpdesk's result (issue 13), for docs/user-guide.md.

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python -m tests.gui.screens_results OUT \
        [--theme dark]

Makes ``start``, ``progress`` (a connection hanging on loopback, drawn while it waits),
``results`` and ``helpdesk`` (the real lab bundle of C1, tests/gui/samples), and
``send-failed`` (an upload to an address nobody answers), with ``-dark`` in the dark theme.
Not a test (pytest does not collect it).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import trustme
from PySide6.QtCore import QTimer

from tests.gui.conftest import loopback_profile
from tests.gui.screens import save, settle, wait_until
from tests.probes.loopback_servers import LoopbackServer, refusing_port, tls_ok, trust_env
from wiresleuth.bundle.reader import read_bundle
from wiresleuth.bundle.run_result import run_result
from wiresleuth.gui.app import create_application
from wiresleuth.gui.capture_rights import CaptureRights
from wiresleuth.gui.qt_main_window import QtMainWindow
from wiresleuth.gui.qt_theme import Theme
from wiresleuth.gui.qt_upload_dialog import QtUploadDialog
from wiresleuth.profile.model import Helpdesk

C1 = Path(__file__).parent / "samples" / "lab-C1.wsbundle"
HANG_SECONDS = 3.5
"""How long the hanging connection has waited when the progress page is shot."""


def shoot(out: Path, theme: Theme, nobody: int) -> None:
    """The shots, the upload's to localhost:``nobody`` (a port that refuses)."""
    app = create_application(theme)
    suffix = "" if theme is Theme.LIGHT else f"-{theme.value}"
    ca = trustme.CA()
    os.environ.update(trust_env(Path(tempfile.mkdtemp(prefix="wiresleuth-screens-")), [ca], [ca]))
    helpdesk = Helpdesk(name="Contoso Service Desk", contact="servicedesk@contoso.example")

    def hangs(conn: socket.socket) -> None:
        conn.recv(4096)  # the ClientHello, never answered (until the run is cancelled)
        conn.settimeout(30)
        with contextlib.suppress(OSError):
            conn.recv(1)

    with LoopbackServer(tls_ok(ca)) as good, LoopbackServer(hangs) as stuck:
        profile = replace(
            loopback_profile(f"localhost:{good.port}", run=60, handshake=20),
            helpdesk=helpdesk,
            upload_url=f"https://localhost:{nobody}/upload",
        )
        window = QtMainWindow(profile, capture=False, rights=CaptureRights(available=True))
        window.show()
        wait_until(app, lambda: window._ready_sent, 10)
        wait_until(app, lambda: window.warmed_up, 30)
        window.start_page.site.setText(f"localhost:{stuck.port}")
        save(window, out, f"start{suffix}", app)

        window.start_page.checks.set_selected(["route", "tls", "proxy", "listeners"])
        window.start_page.run_button.click()
        lane = f"localhost:{stuck.port} (default)"

        def waited() -> bool:  # still waiting, for a while already
            now = time.time()
            return any(
                c.label == lane and c.end >= now - 0.01 and now - c.start >= HANG_SECONDS
                for c in window.session.live(now)
            )

        wait_until(app, waited, 30)
        settle(app, 0.6)
        save(window, out, f"progress{suffix}", app)
        window.session.cancel()
        wait_until(app, lambda: window.result is not None, 30)

    window._discarded = window.result  # the cancelled run is not the one to show
    window._show_result(run_result(read_bundle(C1)))
    save(window, out, f"results{suffix}", app)

    opened = Path(tempfile.mkdtemp()) / "wiresleuth-laptop-042-20240501-093000.wsbundle"
    opened.write_bytes(C1.read_bytes())
    window.open_path(opened)
    wait_until(app, lambda: window.stack.currentWidget() is window.viewer_page(), 60)
    window.viewer_page().helpdesk_requested.emit()
    page = window.helpdesk_page()
    wait_until(app, lambda: page.facts.bundle_sha256 is not None, 30)
    save(window, out, f"helpdesk{suffix}", app)

    window.send_bundle(opened)
    upload = window.dialog
    assert isinstance(upload, QtUploadDialog)
    upload.ticket.setText("INC-20417")
    upload.start()
    wait_until(app, lambda: upload.error is not None, 30)
    save(upload, out, f"send-failed{suffix}", app)
    upload.accept()
    window._discarded = window.result
    window.close()
    QTimer.singleShot(0, app.quit)
    app.exec()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.gui.screens_results")
    parser.add_argument("out", type=Path)
    parser.add_argument("--theme", choices=("light", "dark"), default="light")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with refusing_port() as nobody:
        shoot(args.out, Theme(args.theme), nobody)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
