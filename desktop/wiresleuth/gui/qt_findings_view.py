"""Findings as a traffic-light list of causes, each expandable to the engineer's text, the
evidence and the findings it explains.

Findings that explain each other are one cause (``analysis.causes``): the cause's row says it
in one sentence, its user text and the user's next step; "For the engineer" and "It explains
N more findings" hold the rest, so nothing an engineer needs is lost. Activating a piece of
evidence (click, Enter) emits ``evidence_activated`` so the viewer can select the packets it
cites.

A bundle may hold any number of findings and pieces of evidence (one with 200 000 froze the
window for a minute: every row is an item, and rows that wrap are measured one by one). So
the list shows the first ``FINDINGS_SHOWN`` causes and the first ``EVIDENCE_SHOWN`` pieces
of each finding, then a "Show more" row that adds the next ``MORE_STEP`` when activated: what is
built stays proportional to what the engineer asked to see.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QIcon,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from wiresleuth.analysis.causes import group_causes
from wiresleuth.gui.plain_text import tooltip
from wiresleuth.gui.qt_theme import SEVERITY_COLOURS
from wiresleuth.model.cause import Cause
from wiresleuth.model.finding import Evidence, Finding, Severity
from wiresleuth.report.summary import helpdesk_action, next_step

_EVIDENCE_ROLE = Qt.ItemDataRole.UserRole + 1
_FINDING_ROLE = Qt.ItemDataRole.UserRole + 2
_MORE_ROLE = Qt.ItemDataRole.UserRole + 3
FINDINGS_SHOWN = 100
"""Causes listed at first."""
EVIDENCE_SHOWN = 20
"""Pieces of evidence listed at first under each finding."""
MORE_STEP = 100
"""Rows a "Show more" row adds each time."""


def children(item: QTreeWidgetItem) -> list[QTreeWidgetItem]:
    """The child items of ``item``, in order."""
    found = (item.child(index) for index in range(item.childCount()))
    return [child for child in found if child is not None]


def severity_icon(severity: Severity, size: int = 16) -> QIcon:
    """A traffic-light mark whose shape also tells the severity (circle, triangle, 'i')."""
    pixmap = QPixmap(size * 2, size * 2)  # drawn at 2x: crisp on HiDPI screens
    pixmap.setDevicePixelRatio(2.0)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    colour = QColor(SEVERITY_COLOURS[severity])
    painter.setPen(QPen(colour.darker(130), 1.0))
    painter.setBrush(QBrush(colour))
    margin = size * 0.12
    if severity is Severity.WARNING:
        path = QPainterPath()
        path.moveTo(QPointF(size / 2, margin))
        path.lineTo(QPointF(size - margin, size - margin))
        path.lineTo(QPointF(margin, size - margin))
        path.closeSubpath()
        painter.drawPath(path)
    else:
        painter.drawEllipse(QPointF(size / 2, size / 2), size / 2 - margin, size / 2 - margin)
    painter.setPen(QPen(QColor("white"), size * 0.12))
    if severity is Severity.PROBLEM:
        painter.drawLine(QPointF(size / 2, size * 0.28), QPointF(size / 2, size * 0.58))
        painter.drawPoint(QPointF(size / 2, size * 0.72))
    elif severity is Severity.INFO:
        painter.drawLine(QPointF(size / 2, size * 0.45), QPointF(size / 2, size * 0.72))
        painter.drawPoint(QPointF(size / 2, size * 0.30))
    painter.end()
    return QIcon(pixmap)


class WrappingDelegate(QStyledItemDelegate):
    """Rows as tall as their wrapped text: QTreeView would otherwise elide long findings."""

    def __init__(self, tree: QTreeWidget) -> None:
        super().__init__(tree)
        self._tree = tree

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        depth, parent = 0, index.parent()
        while parent.isValid():
            depth, parent = depth + 1, parent.parent()
        icon = 22 if index.data(Qt.ItemDataRole.DecorationRole) is not None else 0
        indent = self._tree.indentation() * (depth + (1 if self._tree.rootIsDecorated() else 0))
        width = max(self._tree.viewport().width() - indent - icon - 12, 80)
        font = index.data(Qt.ItemDataRole.FontRole)
        metrics = QFontMetrics(font if isinstance(font, QFont) else option.font)
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        box = metrics.boundingRect(QRect(0, 0, width, 100_000), int(Qt.TextFlag.TextWordWrap), text)
        return QSize(width, max(box.height(), metrics.height()) + 6)


class QtFindingsView(QTreeWidget):
    """A tree: finding -> what it means, then "For the engineer" -> text, evidence, ID."""

    evidence_activated = Signal(object, object)
    """(Finding, Evidence) the user chose."""
    finding_selected = Signal(object)
    """The Finding whose row is current (or None)."""

    def __init__(self, parent: QWidget | None = None, *, engineer: bool = False) -> None:
        super().__init__(parent)
        self._engineer = engineer
        self.setHeaderHidden(True)
        self.setColumnCount(1)
        self.setWordWrap(True)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.setUniformRowHeights(False)
        self.setItemDelegate(WrappingDelegate(self))
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setIconSize(QSize(16, 16))
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self._all: tuple[Cause, ...] = ()
        self._more_findings = QTreeWidgetItem()
        self._pending_more: QTreeWidgetItem | None = None
        self.setAccessibleName(self.tr("Findings"))
        self.setAccessibleDescription(
            self.tr("Each finding expands to the engineer's text and the evidence behind it")
        )
        self.itemActivated.connect(self._activated)
        self.itemClicked.connect(self._activated)
        self.currentItemChanged.connect(self._current_changed)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._recolour_links()

    def _recolour_links(self) -> None:
        """Links take the palette's link colour again (a theme switch changes it; a colour
        kept from the other theme reads at 2.5:1 on the new background)."""
        link = self.palette().link()
        stack = children(self.invisibleRootItem())
        while stack:
            item = stack.pop()
            evidence = item.data(0, _EVIDENCE_ROLE)
            cites = isinstance(evidence, Evidence) and bool(evidence.packets)
            if cites or item.data(0, _MORE_ROLE) is not None:
                item.setForeground(0, link)
            stack += children(item)

    def cited_evidence(self, finding: Finding) -> tuple[QTreeWidgetItem, Evidence] | None:
        """The row of ``finding``'s first listed evidence that cites packets, and it."""
        for item in self.evidence_items():
            evidence = item.data(0, _EVIDENCE_ROLE)
            if (
                item.data(0, _FINDING_ROLE) == finding
                and isinstance(evidence, Evidence)
                and evidence.packets
            ):
                return item, evidence
        return None

    def link_items(self) -> list[QTreeWidgetItem]:
        """The rows drawn as links: evidence that cites packets, "Show more" rows."""
        found = []
        stack = children(self.invisibleRootItem())
        while stack:
            item = stack.pop()
            evidence = item.data(0, _EVIDENCE_ROLE)
            if (isinstance(evidence, Evidence) and evidence.packets) or item.data(
                0, _MORE_ROLE
            ) is not None:
                found.append(item)
            stack += children(item)
        return found

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.scheduleDelayedItemsLayout()  # row heights follow the new width

    def severity_word(self, severity: Severity) -> str:
        """The severity in words (translated): colour is never the only cue."""
        return {
            Severity.PROBLEM: self.tr("Problem"),
            Severity.WARNING: self.tr("Warning"),
            Severity.INFO: self.tr("For information"),
        }[severity]

    def set_findings(self, findings: Sequence[Finding]) -> None:
        """Show ``findings`` grouped by cause, most severe first: the first FINDINGS_SHOWN
        causes, and a row that shows more."""
        self.clear()
        self._pending_more = None  # its row is gone
        self._all = group_causes(findings)
        if not self._all:
            empty = QTreeWidgetItem([self.tr("No findings.")])
            empty.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.addTopLevelItem(empty)
            return
        self._more_findings = self._more_row()
        self._more_findings.setData(0, _MORE_ROLE, "findings")
        self.addTopLevelItem(self._more_findings)
        self._show_findings(FINDINGS_SHOWN)

    def _more_row(self) -> QTreeWidgetItem:
        """A row that lists more when activated (it stays, hidden once all are listed, so a
        click and an activation of the same row never meet a deleted item)."""
        row = QTreeWidgetItem()
        row.setForeground(0, self.palette().link())
        font = row.font(0)
        font.setItalic(True)  # an action, not a piece of evidence
        row.setFont(0, font)
        row.setToolTip(0, self.tr("Click or press Enter to list more"))
        return row

    def _show_findings(self, count: int) -> None:
        shown = self.topLevelItemCount() - 1  # the last row is the "more" row
        for cause in self._all[shown : shown + count]:
            item, engineer, more = self._finding_item(cause.finding, cause)
            self.insertTopLevelItem(self.topLevelItemCount() - 1, item)
            # In the tree first: an item hides only once it is in one.
            self._show_evidence(engineer, more, cause.finding, EVIDENCE_SHOWN)
            if cause.supporting:
                self._add_explained(item, cause)
            item.setExpanded(True)
            if self._engineer:
                self._expand_all(item)
        left = len(self._all) - (self.topLevelItemCount() - 1)
        self._more_findings.setText(
            0,
            self.tr("Show {0} more ({1} not listed yet)").format(
                min(MORE_STEP, left), left
            ),
        )
        self._more_findings.setData(0, _MORE_ROLE, "findings")
        self._more_findings.setHidden(left <= 0)

    def _add_explained(self, item: QTreeWidgetItem, cause: Cause) -> None:
        """"It explains N more findings": the cause's symptoms, each as a full finding."""
        count = len(cause.supporting)
        explained = QTreeWidgetItem(
            [
                self.tr("It explains 1 more finding")
                if count == 1
                else self.tr("It explains {0} more findings").format(count)
            ]
        )
        explained.setData(0, _FINDING_ROLE, cause.finding)
        explained.setToolTip(0, tooltip(self.tr("Findings that follow from this cause")))
        item.addChild(explained)
        for finding in cause.supporting:
            row, engineer, more = self._finding_item(finding)
            explained.addChild(row)
            self._show_evidence(engineer, more, finding, EVIDENCE_SHOWN)

    def _expand_all(self, item: QTreeWidgetItem) -> None:
        item.setExpanded(True)
        for child in children(item):
            self._expand_all(child)

    def _finding_item(
        self, finding: Finding, cause: Cause | None = None
    ) -> tuple[QTreeWidgetItem, QTreeWidgetItem, QTreeWidgetItem]:
        """The finding's row, its "For the engineer" row and its evidence's "more" row; a
        cause's row adds the user's next step, and what the helpdesk can do."""
        shown_target = finding.target and finding.target not in finding.title
        target = f"  ({finding.target})" if shown_target else ""
        head = f"{self.severity_word(finding.severity)}: {finding.title}{target}"
        item = QTreeWidgetItem([head])
        item.setIcon(0, severity_icon(finding.severity))
        item.setData(0, _FINDING_ROLE, finding)
        item.setToolTip(0, tooltip(finding.user_text))
        font = item.font(0)
        font.setBold(True)
        item.setFont(0, font)
        user = QTreeWidgetItem([finding.user_text])
        user.setData(0, _FINDING_ROLE, finding)
        item.addChild(user)
        if cause is not None and cause.severity is not Severity.INFO:
            step = QTreeWidgetItem([self.tr("Next step: {0}").format(next_step(finding))])
            step.setData(0, _FINDING_ROLE, finding)
            bold = step.font(0)
            bold.setBold(True)
            step.setFont(0, bold)
            item.addChild(step)
        engineer = QTreeWidgetItem([self.tr("For the engineer")])
        engineer.setData(0, _FINDING_ROLE, finding)
        item.addChild(engineer)
        if finding.engineer_text:
            text = QTreeWidgetItem([finding.engineer_text])
            text.setData(0, _FINDING_ROLE, finding)
            engineer.addChild(text)
        action = helpdesk_action(finding) if cause is not None else ""
        if action:
            helpdesk = QTreeWidgetItem([self.tr("What the helpdesk can do: {0}").format(action)])
            helpdesk.setData(0, _FINDING_ROLE, finding)
            engineer.addChild(helpdesk)
        more = self._more_row()
        more.setData(0, _FINDING_ROLE, finding)
        engineer.addChild(more)
        ident = QTreeWidgetItem([self.tr("Finding ID: {0}").format(finding.id)])
        ident.setData(0, _FINDING_ROLE, finding)
        engineer.addChild(ident)
        return item, engineer, more

    def _show_evidence(
        self, engineer: QTreeWidgetItem, more: QTreeWidgetItem, finding: Finding, count: int
    ) -> None:
        """List the next ``count`` pieces of ``finding``'s evidence above its "more" row."""
        at = engineer.indexOfChild(more)
        shown = sum(1 for child in children(engineer) if child.data(0, _EVIDENCE_ROLE) is not None)
        batch = finding.evidence[shown : shown + count]
        engineer.insertChildren(at, [self._evidence_item(finding, ev) for ev in batch])
        left = len(finding.evidence) - shown - len(batch)
        more.setText(
            0,
            self.tr("Show {0} more pieces of evidence ({1} not listed yet)").format(
                min(MORE_STEP, left), left
            ),
        )
        more.setData(0, _MORE_ROLE, "evidence")
        more.setHidden(left <= 0)

    def _evidence_item(self, finding: Finding, evidence: Evidence) -> QTreeWidgetItem:
        text = self.tr("Evidence: {0}").format(evidence.text)
        if evidence.packets:
            numbers = ", ".join(str(n) for n in evidence.packets)
            text += " " + self.tr("(packets {0})").format(numbers)
        item = QTreeWidgetItem([text])
        item.setData(0, _FINDING_ROLE, finding)
        item.setData(0, _EVIDENCE_ROLE, evidence)
        if evidence.packets:
            item.setToolTip(0, self.tr("Show these packets in the timeline and the packet table"))
            item.setForeground(0, self.palette().link())
        return item

    def findings(self) -> list[Finding]:
        """The findings listed, in order: each cause, then the findings it explains."""
        found: list[Finding] = []
        for cause in self.causes():
            found.append(cause.finding)
            found += cause.supporting
        return found

    def causes(self) -> list[Cause]:
        """The causes listed, in order."""
        shown = [item.data(0, _FINDING_ROLE) for item in children(self.invisibleRootItem())]
        listed = {id(finding) for finding in shown if isinstance(finding, Finding)}
        return [cause for cause in self._all if id(cause.finding) in listed]

    def more_items(self) -> list[QTreeWidgetItem]:
        """The "Show more" rows still offering more (for keyboard users and tests)."""
        found = []
        stack = children(self.invisibleRootItem())
        while stack:
            item = stack.pop(0)
            if item.data(0, _MORE_ROLE) is not None and not item.isHidden():
                found.append(item)
            stack = children(item) + stack
        return found

    def show_more(self, item: QTreeWidgetItem) -> None:
        """List the next rows of a "Show more" row."""
        kind = item.data(0, _MORE_ROLE)
        if item.isHidden():
            return
        if kind == "findings":
            self._show_findings(MORE_STEP)
        elif kind == "evidence":
            finding, engineer = item.data(0, _FINDING_ROLE), item.parent()
            if isinstance(finding, Finding) and engineer is not None:
                self._show_evidence(engineer, item, finding, MORE_STEP)

    def _more_requested(self) -> None:
        item, self._pending_more = self._pending_more, None
        if item is not None:
            self.show_more(item)

    def evidence_items(self) -> list[QTreeWidgetItem]:
        """Every evidence row listed (for keyboard users and tests)."""
        found = []
        stack = children(self.invisibleRootItem())
        while stack:
            item = stack.pop(0)
            if item.data(0, _EVIDENCE_ROLE) is not None:
                found.append(item)
            stack = children(item) + stack
        return found

    def _activated(self, item: QTreeWidgetItem, column: int = 0) -> None:
        if item.data(0, _MORE_ROLE) is not None:
            # A click may emit both itemClicked and itemActivated (styles that activate on one
            # click): handled once, on the next turn of the event loop.
            if self._pending_more is None:
                self._pending_more = item
                QTimer.singleShot(0, self._more_requested)
            return
        evidence = item.data(0, _EVIDENCE_ROLE)
        finding = item.data(0, _FINDING_ROLE)
        if isinstance(evidence, Evidence) and isinstance(finding, Finding):
            self.evidence_activated.emit(finding, evidence)

    def _current_changed(self, current: QTreeWidgetItem | None, _previous: object) -> None:
        finding = current.data(0, _FINDING_ROLE) if current is not None else None
        self.finding_selected.emit(finding if isinstance(finding, Finding) else None)
