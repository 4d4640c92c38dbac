import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QTranslator
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from wiresleuth.gui.qt_checks_list import CheckInfo
from wiresleuth.gui.qt_start_page import QtStartPage
from wiresleuth.gui.qt_theme import Theme, apply_theme, current_theme, dscp_colour
from wiresleuth.gui.qt_timeline import QtTimeline

pytestmark = pytest.mark.qt


def test_dark_and_light_palettes_reach_the_plots(qtbot: QtBot, qapp: QApplication) -> None:
    timeline = QtTimeline()
    qtbot.addWidget(timeline)
    try:
        assert apply_theme(qapp, Theme.DARK) is Theme.DARK and current_theme() is Theme.DARK
        QApplication.processEvents()
        assert qapp.palette().color(QPalette.ColorRole.Base).lightness() < 60
        assert timeline._view.backgroundBrush().color().lightness() < 60
        apply_theme(qapp, Theme.LIGHT)
        QApplication.processEvents()
        assert timeline._view.backgroundBrush().color().lightness() > 200
    finally:
        apply_theme(qapp, Theme.LIGHT)


def test_dscp_colours_tell_ef_from_best_effort() -> None:
    assert dscp_colour(46) != dscp_colour(0)
    assert dscp_colour(34) != dscp_colour(10)  # AF41 vs AF11: different classes


def test_user_text_goes_through_qt_translation(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path
) -> None:
    ts = tmp_path / "wiresleuth_de.ts"
    ts.write_text(
        '<?xml version="1.0" encoding="utf-8"?><!DOCTYPE TS><TS version="2.1" language="de">'
        "<context><name>QtStartPage</name>"
        "<message><source>&amp;Run diagnostics</source><translation>&amp;Diagnose starten</translation></message>"
        "</context></TS>",
        encoding="utf-8",
    )
    qm = tmp_path / "wiresleuth_de.qm"
    tool = Path(sys.executable).parent / "pyside6-lrelease"  # installed with PySide6
    subprocess.run(
        [str(tool), str(ts), "-qm", str(qm)], check=True, capture_output=True, timeout=60
    )
    translator = QTranslator()
    assert translator.load(str(qm))
    qapp.installTranslator(translator)
    try:
        page = QtStartPage([CheckInfo(id="x", title="X", description="y")])
        qtbot.addWidget(page)
        assert page.run_button.text() == "&Diagnose starten"
    finally:
        qapp.removeTranslator(translator)
