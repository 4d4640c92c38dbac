"""The window's run inside the lab's ``client`` namespace (started by test_lab_window.py).

Not collected on its own (the name does not start with ``test_``): the outer test runs
``ip netns exec <client> python -m pytest tests/gui/lab_inside.py`` with the lab's profile
and trust bundles in the environment, so that this Qt process, its engine and its capture
all live in the user's "laptop".
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from wiresleuth.gui.capture_rights import check_capture_rights
from wiresleuth.gui.qt_main_window import QtMainWindow
from wiresleuth.gui.qt_save_dialog import QtSaveDialog
from wiresleuth.profile import load_profile

PROFILE_ENV = "WIRESLEUTH_GUI_LAB_PROFILE"
OUT_ENV = "WIRESLEUTH_GUI_LAB_OUT"
RUN_TIMEOUT_MS = 90_000


@pytest.mark.qt
def test_run_diagnostics_in_the_client_namespace(qtbot: QtBot) -> None:
    if PROFILE_ENV not in os.environ:
        pytest.skip("run by tests/gui/test_lab_window.py inside the lab's client namespace")
    out = Path(os.environ[OUT_ENV])
    window = QtMainWindow(
        load_profile(Path(os.environ[PROFILE_ENV])), rights=check_capture_rights(), warm_up=False
    )
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.ready, timeout=10_000):
        window.show()
    with qtbot.waitSignal(window.session.finished, timeout=RUN_TIMEOUT_MS):
        qtbot.mouseClick(window.start_page.run_button, Qt.MouseButton.LeftButton)
    page = window.results_page()
    assert window.stack.currentWidget() is page
    shown = page.findings.findings()
    dialog = window.save_for_helpdesk()
    assert isinstance(dialog, QtSaveDialog)
    dialog.path_edit.setText(str(out / "lab-window.wsbundle"))
    with qtbot.waitSignal(dialog.saved, timeout=30_000):
        dialog.save()
    (out / "results-page.json").write_text(
        json.dumps(
            {
                "headline": page.headline.text(),
                "findings": [
                    {"id": f.id, "target": f.target, "values": dict(f.values)} for f in shown
                ],
                "capture": window.result.capture.available if window.result else None,
            },
            default=str,
        )
    )
