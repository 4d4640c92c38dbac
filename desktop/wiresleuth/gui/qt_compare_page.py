"""Two bundles side by side: the findings and the path figures that differ.

Takes a ``Comparison`` (made by ``compare_model`` from two Documents); rows that differ are
tinted and listed first, and "Only differences" hides the rest.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from wiresleuth.gui.compare_model import Change, Comparison
from wiresleuth.gui.document import Document
from wiresleuth.gui.plain_text import plain_label
from wiresleuth.gui.qt_findings_view import children
from wiresleuth.model.finding import Finding

_TINT = QColor(255, 196, 0, 70)


class QtComparePage(QWidget):
    """Findings and figures of documents A and B."""

    back_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.comparison: Comparison | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        top = QHBoxLayout()
        self._title = plain_label()
        font = QFont(self._title.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self._title.setFont(font)
        self._title.setWordWrap(True)
        top.addWidget(self._title, 1)
        self.only_differences = QCheckBox(self.tr("&Only differences"))
        self.only_differences.setAccessibleName(self.tr("Show only what differs"))
        self.only_differences.toggled.connect(self._filter)
        top.addWidget(self.only_differences)
        back = QPushButton(self.tr("&Back to start"))
        back.setAccessibleName(self.tr("Back to the start page"))
        back.clicked.connect(self.back_requested)
        top.addWidget(back)
        layout.addLayout(top)
        self._summary = plain_label()
        self._summary.setWordWrap(True)
        layout.addWidget(self._summary)
        split = QSplitter(Qt.Orientation.Vertical)
        self.findings = QTreeWidget()
        self.findings.setAccessibleName(self.tr("Findings of both bundles"))
        self.findings.setRootIsDecorated(False)
        self.findings.setColumnCount(4)
        split.addWidget(self.findings)
        self.figures = QTreeWidget()
        self.figures.setAccessibleName(self.tr("Path figures of both bundles"))
        self.figures.setRootIsDecorated(False)
        self.figures.setColumnCount(4)
        split.addWidget(self.figures)
        split.setSizes([180, 420])
        layout.addWidget(split, 1)

    def _finding_text(self, finding: Finding | None) -> str:
        if finding is None:
            return self.tr("— not found")
        return f"{finding.severity.value}: {finding.title}"

    def _change_text(self, change: Change) -> str:
        return {
            Change.ONLY_A: self.tr("only in A"),
            Change.ONLY_B: self.tr("only in B"),
            Change.DIFFERENT: self.tr("different"),
            Change.SAME: self.tr("same"),
        }[change]

    def set_comparison(self, a: Document, b: Document, comparison: Comparison) -> None:
        """Show ``comparison`` of ``a`` and ``b``."""
        self.comparison = comparison
        self._title.setText(self.tr("A: {0}    B: {1}").format(a.title, b.title))
        self._summary.setText(
            self.tr(
                "{0} differences: findings in one bundle only, and figures that moved more than jitter explains."
            ).format(comparison.differences)
        )
        self.findings.clear()
        self.findings.setHeaderLabels([self.tr("Finding"), "A", "B", self.tr("Change")])
        for row in comparison.findings:
            label = row.id + (f"  ({row.target})" if row.target else "")
            item = QTreeWidgetItem(
                [
                    label,
                    self._finding_text(row.a),
                    self._finding_text(row.b),
                    self._change_text(row.change),
                ]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, row.change.value)
            self._tint(item, row.change)
            self.findings.addTopLevelItem(item)
        self.figures.clear()
        self.figures.setHeaderLabels([self.tr("Path figure"), "A", "B", self.tr("Change")])
        for figure in comparison.figures:
            item = QTreeWidgetItem([
                f"{figure.group} · {figure.name}",
                figure.a.text if figure.a else "—",
                figure.b.text if figure.b else "—",
                self._change_text(figure.change),
            ])  # fmt: skip
            item.setData(0, Qt.ItemDataRole.UserRole, figure.change.value)
            self._tint(item, figure.change)
            self.figures.addTopLevelItem(item)
        for tree in (self.findings, self.figures):
            tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
            tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
            tree.header().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self._filter()

    def _tint(self, item: QTreeWidgetItem, change: Change) -> None:
        if change is not Change.SAME:
            for column in range(4):
                item.setBackground(column, _TINT)

    def _filter(self) -> None:
        only = self.only_differences.isChecked()
        for tree in (self.findings, self.figures):
            for item in children(tree.invisibleRootItem()):
                same = item.data(0, Qt.ItemDataRole.UserRole) == Change.SAME.value
                item.setHidden(only and same)
