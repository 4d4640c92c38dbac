"""Every text from a bundle is shown as text: the window is walked widget by widget on a bundle
whose every field starts with HTML (tests/gui/hostile_bundles.py).

A surface shows the text literally when ``<h1>WSX1`` is what the user reads; Qt's rich-text
guess would make it a heading (the tag gone), and would load ``file:///etc/passwd`` as an image.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import Qt as QtGui_Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGraphicsTextItem,
    QGraphicsView,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QStyledItemDelegate,
    QWidget,
)
from pytestqt.qtbot import QtBot

from tests.gui.conftest import loopback_profile, open_window
from tests.gui.hostile_bundles import (
    FILE_NAME,
    HTML,
    MARK,
    SHOWN,
    edited_bundle,
    hostile,
    hostile_run,
    hostile_run_with_capture,
    write_hostile_bundle,
)
from wiresleuth.gui.plain_text import (
    LEGEND_CHARS,
    legend_text,
    plain_label,
    plain_message_box,
    tooltip,
    window_title,
)
from wiresleuth.gui.qt_main_window import QtMainWindow

pytestmark = pytest.mark.qt


@dataclass(frozen=True)
class Surface:
    """One place a text is shown: where, the string given to Qt, and what the user reads."""

    where: str
    raw: str
    shown: str


def as_html(text: str) -> str:
    document = QTextDocument()
    document.setHtml(text)
    return document.toPlainText()


def guessed(text: str) -> str:
    """What Qt shows for a string it guesses about (tooltips, AutoText labels)."""
    return as_html(text) if QtGui_Qt.mightBeRichText(text) else text


def label_shows(label: QLabel) -> str:
    text, kind = label.text(), label.textFormat()
    if kind == Qt.TextFormat.PlainText:
        return text
    if kind == Qt.TextFormat.AutoText:
        return guessed(text)
    return as_html(text)  # rich text or markdown: interpreted either way


def _model_surfaces(view: QAbstractItemView, name: str) -> Iterator[Surface]:
    model = view.model()
    if model is None:
        return
    delegate = view.itemDelegate()
    # Qt's delegates draw item text as text; one of ours must not paint it another way.
    if delegate is not None and type(delegate).__module__.startswith("wiresleuth"):
        assert type(delegate).paint is QStyledItemDelegate.paint, name
    stack = [QModelIndex()]
    while stack:
        parent = stack.pop()
        try:
            columns = max(model.columnCount(parent), 1)
        except TypeError:  # QListWidget's model keeps columnCount private: one column
            columns = 1
        for row in range(model.rowCount(parent)):
            for column in range(columns):
                index = model.index(row, column, parent)
                display = index.data(Qt.ItemDataRole.DisplayRole)
                if isinstance(display, str):
                    yield Surface(f"{name} item", display, display)
                tip = index.data(Qt.ItemDataRole.ToolTipRole)
                if isinstance(tip, str) and tip:
                    yield Surface(f"{name} item tooltip", tip, guessed(tip))
            stack.append(model.index(row, 0, parent))


def _scene_surfaces(view: QGraphicsView, name: str) -> Iterator[Surface]:
    scene = view.scene()
    if scene is None:
        return
    for item in scene.items():
        tip = item.toolTip()
        if tip:
            yield Surface(f"{name} graphics tooltip", tip, guessed(tip))
        if isinstance(item, QGraphicsTextItem):
            shown = item.toPlainText()  # what is drawn, whether it was set as text or HTML
            yield Surface(f"{name} graphics text", shown, shown)
        if isinstance(item, pg.ScatterPlotItem) and item.opts.get("tip") is not None:
            for point in item.points():
                tip = item.opts["tip"](x=point.pos().x(), y=point.pos().y(), data=point.data())
                yield Surface(f"{name} marker tooltip", tip, guessed(tip))


def surfaces(window: QtMainWindow) -> list[Surface]:
    """Every text the window and its dialogs show, and how."""
    found: list[Surface] = []
    widgets: list[QWidget] = [window, *window.findChildren(QWidget)]
    for widget in widgets:
        name = type(widget).__name__
        if isinstance(widget, QLabel):
            found.append(Surface(f"{name} text", widget.text(), label_shows(widget)))
        if isinstance(widget, QMessageBox):
            text = widget.text()
            rich = widget.textFormat() != Qt.TextFormat.PlainText and (
                widget.textFormat() == Qt.TextFormat.RichText or QtGui_Qt.mightBeRichText(text)
            )
            found.append(Surface(f"{name} message", text, as_html(text) if rich else text))
        tip = widget.toolTip()
        if tip:
            found.append(Surface(f"{name} tooltip", tip, guessed(tip)))
        found.append(Surface(f"{name} title", widget.windowTitle(), widget.windowTitle()))
        if isinstance(widget, QAbstractItemView) and not isinstance(widget, QHeaderView):
            found += _model_surfaces(widget, name)
        if isinstance(widget, QGraphicsView):
            found += _scene_surfaces(widget, name)
        if isinstance(widget, QPlainTextEdit):  # plain by construction: shown as stored
            text = widget.toPlainText()
            found.append(Surface(f"{type(widget.parent()).__name__} plain text", text, text))
    message = window.statusBar().currentMessage()  # QStatusBar draws its message as text
    found.append(Surface("status bar", message, message))
    return found


def assert_literal(found: list[Surface]) -> set[str]:
    """Each surface holding a hostile text shows its tag; the kinds of surface that held one."""
    wrong = [s for s in found if (MARK in s.raw or MARK in s.shown) and SHOWN not in s.shown]
    assert not wrong, "\n".join(
        f"{s.where}: {s.raw[:120]!r} shown as {s.shown[:80]!r}" for s in wrong
    )
    return {s.where for s in found if MARK in s.raw or MARK in s.shown}


@pytest.fixture
def window(qtbot: QtBot, home: Path) -> QtMainWindow:
    return open_window(qtbot, loopback_profile(), capture=False)


def open_and_fill(qtbot: QtBot, window: QtMainWindow, path: Path) -> None:
    viewer = window.viewer_page()
    with qtbot.waitSignal(viewer.filled, timeout=10_000):
        window.open_path(path)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is viewer, timeout=5000)


def test_the_viewer_shows_every_bundle_text_literally(
    qtbot: QtBot, window: QtMainWindow, tmp_path: Path
) -> None:
    bundle = write_hostile_bundle(tmp_path)
    open_and_fill(qtbot, window, bundle)
    viewer = window.viewer_page()
    for index in range(viewer.tabs.count()):  # every tab laid out and painted once
        viewer.tabs.setCurrentIndex(index)
        qtbot.wait(10)
    viewer.findings.setCurrentItem(viewer.findings.topLevelItem(0))
    viewer.show_evidence(*_first_evidence(window))
    kinds = assert_literal(surfaces(window))
    # The walk reached the places the issue names (it cannot pass by seeing nothing).
    for expected in (
        "QLabel text",  # title, notes, packet-table title, PAC and MTU notes
        "QtFindingsView item tooltip",
        "QtFindingsView item",
        "QtPacketTable item tooltip",
        "QtJsonTree item tooltip",
        "GraphicsLayoutWidget marker tooltip",  # timeline and MTU markers
        "GraphicsLayoutWidget graphics text",  # legend names, waterfall texts
        "QTreeWidget item",  # the hop lists (and the PAC answers)
        "QTreeWidget item tooltip",
        "QtMainWindow title",
        "status bar",
    ):
        assert expected in kinds, f"no hostile text reached {expected}"
    for label in (viewer._title, viewer._pac_note, viewer.mtu.note, viewer._table_title):
        assert MARK in label.text() and label.textFormat() == Qt.TextFormat.PlainText
    hops = viewer.hops.tree
    shown = [hops.topLevelItem(i) for i in range(hops.topLevelItemCount())]
    assert [item.text(0).startswith(SHOWN) for item in shown if item] == [True, True]
    assert shown[0] is not None and shown[0].childCount() == 3  # the summary and hops 1 and 2


def test_packets_of_a_hostile_capture_are_shown_literally(
    qtbot: QtBot, window: QtMainWindow, tmp_path: Path
) -> None:
    """Packet list (Info), details, follow stream, lane list and the comparison's rows, on a
    capture whose HTTP lines, TLS server name and DNS name start with HTML."""
    from wiresleuth.bundle.writer import write_bundle

    bundle = write_bundle(hostile_run_with_capture(tmp_path), tmp_path / "hostile-capture.wsbundle")
    open_and_fill(qtbot, window, bundle)
    viewer = window.viewer_page()
    viewer.findings.setCurrentItem(viewer.findings.topLevelItem(0))
    viewer.show_evidence(*_first_evidence(window))  # the cited GET, ClientHello and DNS answer
    pane = viewer.packet_pane
    pane.clear_filters()
    infos = [pane.table.table_model.rows.cells(r)[7] for r in range(len(pane.table.table_model.rows))]
    assert any(info.startswith("GET /" + SHOWN) for info in infos)
    assert any(info.startswith("Client Hello (SNI=" + SHOWN) for info in infos)
    assert any(info.startswith("Standard query response 0x1234 A " + SHOWN) for info in infos)
    for number in (4, 10, 12):
        pane.table.select_packets([number])
        qtbot.waitUntil(
            lambda n=number: pane.shown_details is not None and pane.shown_details.number == n,
            timeout=10_000,
        )
    pane.table.select_packets([4])
    qtbot.waitUntil(lambda: pane.shown_details is not None and pane.shown_details.number == 4)
    pane.follow_button.click()
    assert SHOWN in viewer.stream.shown_text
    viewer.tabs.setCurrentWidget(viewer.parts["sequence"])
    qtbot.wait(10)
    kinds = assert_literal(surfaces(window))
    for expected in (
        "QtPacketTable item",  # Info and Comment cells
        "QtPacketTable item tooltip",
        "QtPacketDetails item",  # HTTP lines, server name, DNS records
        "QListWidget item",  # the lane list: full connection names
        "QListWidget item tooltip",
        "QtFollowStream plain text",
        "QListView item",  # the connection filter's entries (a combo box's list)
    ):
        assert expected in kinds, f"no hostile text reached {expected}"
    window.compare_paths(bundle, bundle)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.compare_page(), timeout=10_000)
    page = window.compare_page()
    page.findings.setCurrentItem(page.findings.topLevelItem(0))
    kinds = assert_literal(surfaces(window))
    assert "QTreeWidget item" in kinds and "QWidget plain text" in kinds  # rows, both sides


def _first_evidence(window: QtMainWindow) -> tuple[object, object]:
    viewer = window.viewer_page()
    item = next(  # a finding whose ID is hostile too: the status bar names the ID
        i
        for i in viewer.findings.evidence_items()
        if MARK in i.data(0, Qt.ItemDataRole.UserRole + 2).id
    )
    return item.data(0, Qt.ItemDataRole.UserRole + 2), item.data(0, Qt.ItemDataRole.UserRole + 1)


def test_the_results_page_and_the_comparison_show_texts_literally(
    qtbot: QtBot, window: QtMainWindow, tmp_path: Path
) -> None:
    window._show_result(hostile_run())
    assert_literal(surfaces(window))
    bundle = write_hostile_bundle(tmp_path)
    window.compare_paths(bundle, bundle)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.compare_page(), timeout=10_000)
    kinds = assert_literal(surfaces(window))
    assert "QLabel text" in kinds and "QTreeWidget item" in kinds


def test_the_helpdesk_page_and_its_summary_show_texts_literally(
    qtbot: QtBot, window: QtMainWindow, tmp_path: Path
) -> None:
    from PySide6.QtGui import QGuiApplication

    from wiresleuth.report.terminal_text import for_terminal

    bundle = write_hostile_bundle(tmp_path)
    open_and_fill(qtbot, window, bundle)
    window.viewer_page().helpdesk_requested.emit()
    page = window.helpdesk_page()
    assert window.stack.currentWidget() is page
    qtbot.waitUntil(lambda: page.facts.bundle_sha256 is not None, timeout=10_000)
    kinds = assert_literal(surfaces(window))
    for expected in ("QLabel text", "QTreeWidget item", "QTreeWidget item tooltip"):
        assert expected in kinds, f"no hostile text reached {expected}"
    for key in ("computer", "os", "sites", "profile", "bundle"):
        assert MARK in page.fields[key][1].text(), key
    checks = [page.checks.topLevelItem(i).text(0) for i in range(page.checks.topLevelItemCount())]
    assert any(f": passed: {SHOWN}" in text for text in checks)
    # the causes: the cause's action and the finding it explains, as text
    todo = [page.todo.topLevelItem(i) for i in range(page.todo.topLevelItemCount())]
    explained = [item.child(j).text(0) for item in todo if item for j in range(item.childCount())]
    assert any(text.startswith(f"It explains: {SHOWN}") for text in explained)
    page.copy_summary()
    copied = QGuiApplication.clipboard().text()
    assert SHOWN in copied and FILE_NAME in copied
    assert for_terminal(copied) == copied  # no control character reaches a ticket raw


def test_cause_groups_show_texts_literally(qtbot: QtBot, window: QtMainWindow) -> None:
    window._show_result(hostile_run())
    view = window.results_page().findings
    rows = [view.topLevelItem(i) for i in range(view.topLevelItemCount())]
    groups = [
        child
        for row in rows
        if row is not None
        for child in (row.child(j) for j in range(row.childCount()))
        if child is not None and child.text(0).startswith("It explains")
    ]
    assert groups and groups[0].child(0) is not None
    assert SHOWN in groups[0].child(0).text(0)
    assert_literal(surfaces(window))


@pytest.mark.parametrize("damage", ["not a zip", "hostile severity"])
def test_error_messages_show_names_and_contents_literally(
    qtbot: QtBot, window: QtMainWindow, tmp_path: Path, damage: str
) -> None:
    if damage == "not a zip":
        bad = tmp_path / FILE_NAME
        bad.write_bytes(b"PK\x03\x04 cut short")
    else:

        def severity(report: dict[str, object]) -> None:
            findings = report["findings"]
            assert isinstance(findings, list)
            findings[0]["severity"] = hostile("severity")

        good = write_hostile_bundle(tmp_path, "good.wsbundle")
        bad = edited_bundle(good, tmp_path / "damaged.wsbundle", severity)
    window.open_path(bad)
    qtbot.waitUntil(lambda: window.last_error is not None, timeout=10_000)
    box = window._message_box
    assert box is not None and MARK in box.text()
    assert box.textFormat() == Qt.TextFormat.PlainText
    assert_literal(surfaces(window))


# -- the helpers themselves ---------------------------------------------------------------


def test_a_tooltip_shows_its_text_with_its_line_breaks() -> None:
    text = hostile("tip") + " & more"
    assert as_html(tooltip(text)) == text
    assert tooltip("") == ""
    assert as_html(tooltip("a &lt; b")) == "a &lt; b"  # an entity in the text stays as typed


def test_a_legend_name_is_shown_as_typed_on_one_short_line() -> None:
    assert as_html(legend_text("R&D <b>x</b>\nnext")) == "R&D <b>x</b> next"
    long = as_html(legend_text(hostile("legend")))
    assert long == HTML[: LEGEND_CHARS - 1] + "…" and long.startswith(SHOWN)


def test_labels_and_message_boxes_are_plain(qtbot: QtBot) -> None:
    label = plain_label(hostile("label"))
    qtbot.addWidget(label)
    assert label.textFormat() == Qt.TextFormat.PlainText and label_shows(label).startswith(SHOWN)
    box = plain_message_box(QMessageBox.Icon.Warning, "t[*]", hostile("box"))
    qtbot.addWidget(box)
    assert box.textFormat() == Qt.TextFormat.PlainText and box.text().startswith(SHOWN)


def test_window_titles_show_placeholders_and_controls_visibly() -> None:
    assert window_title("a[*]b") == "a[*][*]b"
    assert window_title("x\x1b]0;evil\x07y\nz") == "x\\x1b]0;evil\\x07y\\x0az"
    assert window_title("plain — title") == "plain — title"
