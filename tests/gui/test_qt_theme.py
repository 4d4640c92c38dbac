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


# -- contrast (issue 14 item 7): computed from the palettes and the viewer's colours -----------

CONTRAST_THEMES = [Theme.LIGHT, Theme.DARK]


def _hex(colour: object) -> tuple[int, int, int]:
    from PySide6.QtGui import QColor

    assert isinstance(colour, QColor)
    return colour.red(), colour.green(), colour.blue()


@pytest.mark.parametrize("theme", CONTRAST_THEMES, ids=lambda t: t.value)
def test_text_and_links_read_at_4_5_to_1_in_both_themes(theme: Theme) -> None:
    from wiresleuth.gui.contrast import TEXT, contrast
    from wiresleuth.gui.qt_theme import palette_of

    palette = palette_of(theme)
    role = QPalette.ColorRole
    pairs = [
        (role.Text, role.Base),
        (role.Text, role.AlternateBase),
        (role.WindowText, role.Window),
        (role.ButtonText, role.Button),
        (role.HighlightedText, role.Highlight),
        (role.ToolTipText, role.ToolTipBase),
        (role.PlaceholderText, role.Base),
        (role.Link, role.Base),
        (role.Link, role.AlternateBase),
        (role.Link, role.Window),
        (role.LinkVisited, role.Base),
    ]
    low = {
        f"{fg.name}/{bg.name}": round(ratio, 2)
        for fg, bg in pairs
        if (ratio := contrast(_hex(palette.color(fg)), _hex(palette.color(bg)))) < TEXT
    }
    assert low == {}


@pytest.mark.parametrize("theme", CONTRAST_THEMES, ids=lambda t: t.value)
def test_the_viewers_own_colours_read_in_both_themes(theme: Theme) -> None:
    from wiresleuth.gui.contrast import GRAPHIC, TEXT, contrast, over, rgb
    from wiresleuth.gui.qt_theme import palette_of, view_colours
    from wiresleuth.gui.qt_waterfall import FAILED_COLOUR, PHASE_COLOURS

    palette = palette_of(theme)
    base = _hex(palette.color(QPalette.ColorRole.Base))
    alternate = _hex(palette.color(QPalette.ColorRole.AlternateBase))
    text = _hex(palette.color(QPalette.ColorRole.Text))
    colours = view_colours(theme)
    texts = {
        "client text": colours.client_text,
        "server text": colours.server_text,
        "error text": colours.error_text,
    }
    graphics = {
        "lane bar": colours.lane_bar,
        "evidence bracket": colours.evidence,
        "reference bracket": colours.reference,
        "data segment": colours.segment,
        "retransmission": colours.retransmission,
        "ACK line": colours.ack,
        "window edge": colours.window,
        "SACK block": colours.sack,
        "hole edge": colours.hole,
        "packets out": colours.outgoing,
        "packets in": colours.incoming,
        "check box edge": colours.indicator_outline,
        **{f"waterfall {name}": colour for name, colour in PHASE_COLOURS.items()},
        "waterfall failed": FAILED_COLOUR,
    }
    low = [
        f"{name} {contrast(rgb(colour), base):.2f}"
        for name, colour in texts.items()
        if contrast(rgb(colour), base) < TEXT
    ]
    low += [
        f"{name} {contrast(rgb(colour), base):.2f}"
        for name, colour in graphics.items()
        if contrast(rgb(colour), base) < GRAPHIC
    ]
    # Rows a finding cites: their text on the tint, over either row colour.
    for row in (base, alternate):
        tinted = over(rgb(colours.cited_row), colours.cited_alpha, row)
        if contrast(text, tinted) < TEXT:
            low.append(f"text on a cited row {contrast(text, tinted):.2f}")
    # Markers are outlined in the text colour: the outline must show on a lane bar.
    if contrast(text, rgb(colours.lane_bar)) < GRAPHIC:
        low.append(f"marker outline on a lane bar {contrast(text, rgb(colours.lane_bar)):.2f}")
    assert low == []


def test_links_follow_a_theme_switch(qtbot: QtBot, qapp: QApplication) -> None:
    """Evidence links were painted in the light theme's blue on the dark base (2.6:1)."""
    from wiresleuth.gui.contrast import TEXT, contrast
    from wiresleuth.gui.qt_findings_view import QtFindingsView
    from wiresleuth.model.finding import Evidence, Finding, Severity

    finding = Finding(
        id="x.y", severity=Severity.PROBLEM, title="t", user_text="u", engineer_text="e",
        wizard="w", evidence=(Evidence(text="cites", packets=(1,)),),
    )  # fmt: skip
    view = QtFindingsView(engineer=True)
    qtbot.addWidget(view)
    try:
        apply_theme(qapp, Theme.LIGHT)
        view.set_findings([finding])
        apply_theme(qapp, Theme.DARK)
        QApplication.processEvents()
        base = _hex(view.palette().color(QPalette.ColorRole.Base))
        links = view.link_items()
        assert links
        for item in links:
            assert contrast(_hex(item.foreground(0).color()), base) >= TEXT, item.text(0)
    finally:
        apply_theme(qapp, Theme.LIGHT)


def test_check_boxes_are_edged_in_a_colour_that_shows_on_the_dark_palette(
    qtbot: QtBot, qapp: QApplication
) -> None:
    from PySide6.QtGui import QColor, QImage
    from PySide6.QtWidgets import QCheckBox

    from wiresleuth.gui.contrast import GRAPHIC, contrast
    from wiresleuth.gui.qt_theme import view_colours

    try:
        apply_theme(qapp, Theme.DARK)
        box = QCheckBox()
        qtbot.addWidget(box)
        box.resize(box.sizeHint())
        image = QImage(box.size(), QImage.Format.Format_ARGB32)
        image.fill(qapp.palette().color(QPalette.ColorRole.Window))
        box.render(image)
        edge = QColor(view_colours().indicator_outline)
        seen = {
            image.pixelColor(x, y).rgb() for x in range(image.width()) for y in range(image.height())
        }
        assert edge.rgb() in seen  # the edge is drawn...
        window = _hex(qapp.palette().color(QPalette.ColorRole.Window))
        assert contrast(_hex(edge), window) >= GRAPHIC  # ...and stands out
    finally:
        apply_theme(qapp, Theme.LIGHT)
