"""End to end against a running inbox: the window (a real run, Save, Send to helpdesk with a
ticket number) and ``wiresleuth send`` (the command, as a process) upload; the inbox checks,
keeps and indexes; the sender shows the inbox's receipt. A hostile bundle and a wrong token
are refused, and the sender says why."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from tests.cli.cli_process import wiresleuth
from tests.gui.conftest import loopback_profile
from tests.gui.window_send import run_in_window, save_and_open_send
from tests.inbox.running import RunningInbox, running_inbox
from tests.inbox.samples import FORMAT_1, lab_bundle, rewritten, sha256_of
from wiresleuth.inbox.tables import BundleRow, RefusalRow


@pytest.fixture
def inbox(
    tmp_path: Path, index_url: str, trusted_sender: tuple[trustme.CA, dict[str, str]]
) -> Iterator[RunningInbox]:
    (tmp_path / "server").mkdir()
    with running_inbox(tmp_path / "server", index_url, trusted_sender[0]) as running:
        yield running


def _rows(inbox: RunningInbox, table: type) -> list:  # type: ignore[type-arg]
    with inbox.store.db.session() as session:
        return list(session.scalars(select(table)))


@pytest.mark.qt
def test_the_windows_send_reaches_the_inbox_and_shows_its_receipt(
    qtbot: QtBot, home: Path, inbox: RunningInbox
) -> None:
    saved = home / "sent.wsbundle"
    window = run_in_window(qtbot, lambda t: loopback_profile(t, upload_url=inbox.upload_url))
    upload = save_and_open_send(qtbot, window, saved)
    qtbot.keyClicks(upload.ticket, "INC-4711")
    qtbot.mouseClick(upload.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: upload.receipt is not None or upload.error is not None, timeout=30_000)
    assert upload.error is None, upload.error
    (row,) = _rows(inbox, BundleRow)
    # the user reads the inbox's receipt: the id the helpdesk finds the bundle by, and its hash
    assert f"Received as {row.id}, SHA-256 {sha256_of(saved)}" in upload.label.text()
    assert (row.ticket, row.file_name) == ("INC-4711", "sent.wsbundle")
    assert row.headline_id is not None and row.problems >= 1
    assert inbox.store.path_of(row).read_bytes() == saved.read_bytes()


@pytest.mark.qt
def test_the_window_says_why_a_wrong_token_is_refused(
    qtbot: QtBot, home: Path, inbox: RunningInbox
) -> None:
    from wiresleuth.gui.qt_upload_dialog import QtUploadDialog

    url = f"{inbox.url}/upload/wsu_revoked-or-mistyped"
    dialog = QtUploadDialog(FORMAT_1, url, loopback_profile("localhost:1", upload_url=url))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.start()
    qtbot.waitUntil(lambda: dialog.error is not None, timeout=30_000)
    assert (
        "HTTP 401" in dialog.label.text()
        and "token is missing, unknown or revoked" in dialog.label.text()
    )
    assert _rows(inbox, BundleRow) == []


def test_wiresleuth_send_delivers_with_a_ticket_and_prints_the_receipt(
    inbox: RunningInbox, trusted_sender: tuple[trustme.CA, dict[str, str]]
) -> None:
    bundle = lab_bundle("C7")
    done = wiresleuth(
        "send", str(bundle), "--url", inbox.upload_url, "--ticket", "INC-7", env=trusted_sender[1]
    )
    assert done.returncode == 0, done.stderr
    (row,) = _rows(inbox, BundleRow)
    assert done.stdout.strip() == (
        f"Sent C7.wsbundle (direct). The server answered: Received as {row.id}, "
        f"SHA-256 {sha256_of(bundle)}, at {row.received_at.isoformat()}Z"
    )
    assert row.ticket == "INC-7" and row.headline_id == "local.request_held"
    assert inbox.token not in done.stdout + done.stderr  # the address's token is not printed


def test_wiresleuth_send_is_told_why_a_hostile_bundle_and_a_wrong_token_are_refused(
    inbox: RunningInbox, trusted_sender: tuple[trustme.CA, dict[str, str]], tmp_path: Path
) -> None:
    env = trusted_sender[1]
    hostile = rewritten(
        FORMAT_1,
        tmp_path / "edited.wsbundle",
        "report.json",
        b'{"findings": []}',
        fix_manifest=False,
    )
    refused = wiresleuth("send", str(hostile), "--url", inbox.upload_url, env=env)
    assert refused.returncode == 2
    assert (
        "HTTP 422" in refused.stderr
        and "edited.wsbundle is damaged: report.json: checksum mismatch" in refused.stderr
    )
    wrong = wiresleuth("send", str(FORMAT_1), "--url", f"{inbox.url}/upload/wsu_wrong", env=env)
    assert wrong.returncode == 2 and "HTTP 401" in wrong.stderr
    assert _rows(inbox, BundleRow) == []
    (refusal,) = _rows(inbox, RefusalRow)
    assert refusal.file_name == "edited.wsbundle" and "checksum mismatch" in refusal.reason
    with inbox.store.db.session() as session:
        assert session.scalar(select(func.count()).select_from(BundleRow)) == 0
