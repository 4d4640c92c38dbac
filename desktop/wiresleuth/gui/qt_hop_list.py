"""The hops towards each located connection: address, round trip, reverse name, what met
the probes there; the hop that answers in the server's name is marked in words and bold.

Takes ``HopLists`` (``hop_view``); ``show_finding`` picks the list a finding was located for.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from wiresleuth.gui.hop_view import HopLists, HopListView
from wiresleuth.gui.plain_text import plain_label, tooltip
from wiresleuth.model.finding import Finding

_ANSWERS = "answers here"
_DESTINATION = "the destination"


class QtHopList(QWidget):
    """A note, then one tree item per located connection with a row per hop."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.note = plain_label()
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        self.tree = QTreeWidget()
        self.tree.setColumnCount(5)
        self.tree.setHeaderLabels(
            [
                self.tr("Hop"),
                self.tr("Address"),
                self.tr("Round trip"),
                self.tr("Reverse name"),
                self.tr("What the probes met there"),
            ]
        )
        self.tree.setAccessibleName(self.tr("Hops towards each located connection"))
        self.tree.setUniformRowHeights(False)  # a hop's row has a line per kind of probe
        header = self.tree.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        layout.addWidget(self.tree, 1)
        self.lists: tuple[HopListView, ...] = ()

    def set_lists(self, lists: HopLists) -> None:
        """Show ``lists`` (every list expanded)."""
        self.tree.clear()
        self.lists = lists.lists
        note = lists.note
        if lists.lists:
            note = self.tr(
                "Each located connection: its probes were sent with TTL 1, 2, 3… so that "
                "each hop on the way answered in turn."
            ) + (f" {note}" if note else "")
        self.note.setText(note)
        for view in lists.lists:
            item = QTreeWidgetItem([view.title])
            item.setToolTip(0, tooltip(f"{view.title}\n{view.summary}"))
            font = item.font(0)
            font.setBold(True)
            item.setFont(0, font)
            summary = QTreeWidgetItem([view.summary])
            item.addChild(summary)
            for row in view.rows:
                marks = [word for flag, word in ((row.answers, _ANSWERS),
                                                 (row.destination, _DESTINATION)) if flag]  # fmt: skip
                seen = "\n".join([*(f"({', '.join(marks)})" for _ in marks[:1]), *row.seen])
                child = QTreeWidgetItem([str(row.hop), row.address, row.rtt, row.name, seen])
                child.setToolTip(4, tooltip(seen))
                if row.answers:
                    bold = child.font(0)
                    bold.setBold(True)
                    for column in range(5):
                        child.setFont(column, bold)
                item.addChild(child)
            self.tree.addTopLevelItem(item)
            item.setFirstColumnSpanned(True)  # only once in the tree: the title and the
            summary.setFirstColumnSpanned(True)  # summary span every column
            item.setExpanded(True)
        for column in range(1, 4):
            self.tree.resizeColumnToContents(column)
        # the first column holds the hop number; titles and summaries span the whole row
        self.tree.setColumnWidth(0, self.tree.fontMetrics().horizontalAdvance("Hop 16") + 48)

    def show_finding(self, finding: Finding | None) -> bool:
        """Select the list ``finding`` was located for (or whose target it is about)."""
        if finding is None:
            return False
        for index, view in enumerate(self.lists):
            if (finding.id, finding.target) in view.findings or (
                finding.id == "path.header_rewritten" and finding.target == view.target
            ):
                item = self.tree.topLevelItem(index)
                if item is not None:
                    item.setExpanded(True)
                    self.tree.setCurrentItem(item)
                    self.tree.scrollToItem(item)
                    return True
        return False
