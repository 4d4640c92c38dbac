"""End to end: the window runs the diagnostics (real engine, a loopback server that resets
after the ClientHello), saves the bundle, and its "Send to helpdesk" uploads it to a
running inbox, which checks, keeps and indexes it; the window shows the inbox's receipt.

Written against the window's upload as it is on main (``gui/qt_upload_dialog.py``,
``gui/upload.py``): ``wiresleuth send`` was not there yet.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from tests.gui.conftest import loopback_profile
from tests.inbox.running import RunningInbox, running_inbox
from tests.inbox.samples import sha256_of
from tests.probes.loopback_servers import LoopbackServer, reset_after, trust_env
from wiresleuth.inbox.tables import BundleRow

pytestmark = pytest.mark.qt


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "home"
    (folder / "Desktop").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(folder))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder / ".config"))
    return folder


@pytest.fixture
def trusted_inbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[RunningInbox]:
    """An inbox (SQLite) whose CA this computer trusts, as a helpdesk would deploy it."""
    ca = trustme.CA()
    (tmp_path / "trust").mkdir()
    for key, value in trust_env(tmp_path / "trust", [ca], [ca]).items():
        monkeypatch.setenv(key, value)
    (tmp_path / "server").mkdir()
    with running_inbox(tmp_path / "server", f"sqlite:///{tmp_path / 'index.sqlite3'}", ca) as inbox:
        yield inbox


def test_the_windows_send_reaches_the_inbox_and_shows_its_receipt(
    qtbot: QtBot, home: Path, trusted_inbox: RunningInbox
) -> None:
    from wiresleuth.bundle.writer import write_bundle
    from wiresleuth.gui.capture_rights import CaptureRights
    from wiresleuth.gui.qt_main_window import QtMainWindow
    from wiresleuth.gui.qt_upload_dialog import QtUploadDialog

    inbox = trusted_inbox
    with LoopbackServer(reset_after(0.2)) as bad:
        window = QtMainWindow(
            loopback_profile(f"localhost:{bad.port}", upload_url=inbox.upload_url),
            capture=os.geteuid() == 0,
            rights=CaptureRights(available=True),
            warm_up=False,
        )
        qtbot.addWidget(window)
        window.show()
        with qtbot.waitSignal(window.session.finished, timeout=30_000):
            window.run_diagnostics()
    assert window.result is not None
    bundle = write_bundle(window.result, home / "sent.wsbundle")
    window.saved_bundle = bundle
    window.send_to_helpdesk()
    upload = window.dialog
    assert isinstance(upload, QtUploadDialog)
    qtbot.waitUntil(lambda: upload.receipt is not None or upload.error is not None, timeout=30_000)
    assert upload.error is None, upload.error
    with inbox.store.db.session() as session:
        row = session.scalars(select(BundleRow)).one()
    # the user sees the inbox's receipt: the id the helpdesk finds the bundle by, and its hash
    assert f"Received as {row.id}, SHA-256 {sha256_of(bundle)}" in upload.label.text()
    assert row.headline_id == "tls.reset_after_client_hello" and row.file_name == "sent.wsbundle"
    assert inbox.store.path_of(row).read_bytes() == bundle.read_bytes()


def test_the_window_says_why_a_wrong_token_is_refused(
    qtbot: QtBot, home: Path, trusted_inbox: RunningInbox, tmp_path: Path
) -> None:
    from tests.inbox.samples import FORMAT_1
    from wiresleuth.gui.qt_upload_dialog import QtUploadDialog

    dialog = QtUploadDialog(FORMAT_1, f"{trusted_inbox.url}/upload/wsu_revoked-or-mistyped")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.start()
    qtbot.waitUntil(lambda: dialog.error is not None, timeout=30_000)
    assert (
        "HTTP 401" in dialog.label.text()
        and "token is missing, unknown or revoked" in dialog.label.text()
    )
    assert dialog.retry_button.isVisible()
