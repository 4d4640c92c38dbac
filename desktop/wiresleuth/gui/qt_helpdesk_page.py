"""The helpdesk's page: which computer, whose, when, what was found, what the helpdesk can
do, what each check did, and "Copy summary" for a ticket.

Shows a ``TicketFacts`` (``gui.helpdesk_facts``) as it is: the same model "Copy summary"
writes out (``report.ticket``), so the page and the ticket say the same thing. Every text
comes from a run or a bundle and is shown as plain text.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont, QGuiApplication
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from wiresleuth.gui.plain_text import plain_label, tooltip
from wiresleuth.gui.qt_findings_view import WrappingDelegate, severity_icon
from wiresleuth.gui.qt_theme import SEVERITY_COLOURS
from wiresleuth.model.check_status import CheckStatus, Status
from wiresleuth.model.finding import Severity
from wiresleuth.report.summary import NO_STATUSES, cause_headline, checks_by_title, helpdesk_action
from wiresleuth.report.ticket import TicketFacts, check_counts, ticket_text

_STATUS_COLOURS = {
    Status.PROBLEM: SEVERITY_COLOURS[Severity.PROBLEM],
    Status.COULD_NOT_RUN: SEVERITY_COLOURS[Severity.WARNING],
}


class QtHelpdeskPage(QWidget):
    """What the helpdesk needs, on one page."""

    back_requested = Signal()
    """Back to where the user came from."""
    send_requested = Signal()
    """Send the bundle to the helpdesk's upload address."""
    details_requested = Signal()
    """The engineer's viewer of the same run or bundle."""
    copied = Signal(str)
    """The summary was put on the clipboard (its text)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.facts = TicketFacts()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        top = QHBoxLayout()
        title = plain_label(self.tr("For the helpdesk"))
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        top.addWidget(title, 1)
        self.copy_button = QPushButton(self.tr("&Copy summary"))
        self.copy_button.setAccessibleName(self.tr("Copy a summary for a ticket"))
        self.copy_button.setToolTip(
            self.tr(
                "Plain text for a ticket: who, when, what was found, the bundle's name and hash"
            )
        )
        self.copy_button.clicked.connect(self.copy_summary)
        top.addWidget(self.copy_button)
        self.send_button = QPushButton(self.tr("Se&nd to helpdesk…"))
        self.send_button.setAccessibleName(self.tr("Send to helpdesk"))
        self.send_button.clicked.connect(self.send_requested)
        top.addWidget(self.send_button)
        self.details_button = QPushButton(self.tr("&Details for the engineer"))
        self.details_button.setAccessibleName(self.tr("Details for the engineer"))
        self.details_button.clicked.connect(self.details_requested)
        top.addWidget(self.details_button)
        self.back_button = QPushButton(self.tr("&Back"))
        self.back_button.setAccessibleName(self.tr("Back"))
        self.back_button.clicked.connect(self.back_requested)
        top.addWidget(self.back_button)
        layout.addLayout(top)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.fields: dict[str, tuple[QLabel, QLabel]] = {}
        for key, label in (
            ("computer", self.tr("Computer")),
            ("when", self.tr("When")),
            ("os", self.tr("Operating system")),
            ("sites", self.tr("Sites tested")),
            ("route", self.tr("Route")),
            ("profile", self.tr("Profile")),
            ("bundle", self.tr("Bundle")),
        ):
            name = plain_label(label + ":")
            value = plain_label()
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setAccessibleName(label)
            form.addRow(name, value)
            self.fields[key] = (name, value)
        layout.addLayout(form)

        self.headline = plain_label()
        bold = QFont(self.headline.font())
        bold.setPointSizeF(bold.pointSizeF() * 1.15)
        bold.setBold(True)
        self.headline.setFont(bold)
        self.headline.setWordWrap(True)
        self.headline.setAccessibleName(self.tr("Summary"))
        layout.addWidget(self.headline)

        split = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(plain_label(self.tr("What the helpdesk can do")))
        self.todo = QTreeWidget()
        self.todo.setHeaderHidden(True)
        self.todo.setWordWrap(True)
        self.todo.setUniformRowHeights(False)
        self.todo.setItemDelegate(WrappingDelegate(self.todo))
        self.todo.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.todo.setAccessibleName(self.tr("What the helpdesk can do"))
        left_layout.addWidget(self.todo)
        split.addWidget(left)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.checks_title = plain_label(self.tr("What was checked"))
        right_layout.addWidget(self.checks_title)
        self.checks = QTreeWidget()
        self.checks.setHeaderHidden(True)
        self.checks.setWordWrap(True)
        self.checks.setUniformRowHeights(False)
        self.checks.setItemDelegate(WrappingDelegate(self.checks))
        self.checks.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.checks.setAccessibleName(self.tr("What was checked: every check's status"))
        right_layout.addWidget(self.checks)
        split.addWidget(right)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        layout.addWidget(split, 1)

    # -- showing ----------------------------------------------------------------------------

    def set_facts(self, facts: TicketFacts, *, can_send: bool = False) -> None:
        """Show ``facts``; the send button only when the profile gives an upload address."""
        self.facts = facts
        self.send_button.setVisible(can_send)
        self._show_fields()
        self.headline.setText(cause_headline(facts.causes))
        self._show_actions()
        self._show_checks()

    def set_bundle(self, name: str | None, sha256: str | None) -> None:
        """The bundle's file name and digest, once saved and hashed."""
        self.facts = replace(self.facts, bundle_name=name, bundle_sha256=sha256)
        self._show_fields()

    def _field(self, key: str, text: str) -> None:
        name, value = self.fields[key]
        value.setText(text)
        name.setVisible(bool(text))
        value.setVisible(bool(text))

    def _show_fields(self) -> None:
        facts = self.facts
        self._field("computer", facts.who)
        when = facts.when
        if facts.duration is not None:
            when += self.tr(" (took {0:.1f} s)").format(facts.duration)
        if facts.cancelled:
            when += self.tr(" — cancelled: only the checks that had finished")
        self._field("when", when)
        self._field("os", facts.os_text)
        self._field("sites", ", ".join(facts.targets))
        self._field("route", "\n".join(facts.routes))
        profile = facts.profile
        if facts.helpdesk:
            profile += self.tr(" — helpdesk: {0}").format(facts.helpdesk)
        self._field("profile", profile)
        if facts.bundle_name is None:
            bundle = self.tr("not saved yet")
        elif facts.bundle_sha256 is None:
            bundle = self.tr("{0} (SHA-256 being computed…)").format(facts.bundle_name)
        else:
            bundle = f"{facts.bundle_name}\nSHA-256 {facts.bundle_sha256}"
        self._field("bundle", bundle)
        waiting = facts.bundle_name is not None and facts.bundle_sha256 is None
        self.copy_button.setEnabled(not waiting)

    def _show_actions(self) -> None:
        self.todo.clear()
        trouble = [c for c in self.facts.causes if not c.about_the_run]
        if not any(c.severity is not Severity.INFO for c in trouble):
            item = QTreeWidgetItem([self.tr("Nothing: no check found a problem.")])
            self.todo.addTopLevelItem(item)
        for cause in [*trouble, *(c for c in self.facts.causes if c.about_the_run)]:
            finding = cause.finding
            named = finding.target and finding.target in finding.title
            target = f"  ({finding.target})" if finding.target and not named else ""
            item = QTreeWidgetItem([f"{finding.title}{target}"])
            item.setIcon(0, severity_icon(cause.severity))
            item.setToolTip(0, tooltip(finding.user_text))
            font = item.font(0)
            font.setBold(True)
            item.setFont(0, font)
            action = helpdesk_action(finding)
            if action:
                item.addChild(QTreeWidgetItem([action]))
            if cause.supporting:
                explained = "; ".join(f.title for f in cause.supporting)
                item.addChild(QTreeWidgetItem([self.tr("It explains: {0}").format(explained)]))
            self.todo.addTopLevelItem(item)
            item.setExpanded(True)

    def _show_checks(self) -> None:
        self.checks.clear()
        checks = self.facts.checks
        if checks is None:
            self.checks_title.setText(self.tr("What was checked: not recorded"))
            self.checks.addTopLevelItem(QTreeWidgetItem([NO_STATUSES]))
            return
        self.checks_title.setText(self.tr("What was checked: {0}").format(check_counts(checks)))
        for title, rows in checks_by_title(checks):
            if len(rows) == 1 and rows[0].target is None:
                self.checks.addTopLevelItem(self._status_item(title, rows[0]))
                continue
            group = QTreeWidgetItem([f"{title} — {check_counts(rows)}"])
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            for row in rows:
                where = row.target or self.tr("the check as a whole")
                item = self._status_item(where, row)
                group.addChild(item)
                for address in row.addresses:  # a name with several addresses: each one
                    child = QTreeWidgetItem([address.shown])
                    colour = _STATUS_COLOURS.get(address.status)
                    if colour is not None:
                        child.setForeground(0, QColor(colour))
                    child.setToolTip(0, tooltip(address.shown))
                    item.addChild(child)
            self.checks.addTopLevelItem(group)
            group.setExpanded(any(r.status is not Status.PASSED for r in rows))
            for n, row in enumerate(rows):  # once in the tree: an address that failed shows
                site = group.child(n)
                if site is not None and any(a.status is not Status.PASSED for a in row.addresses):
                    site.setExpanded(True)

    def _status_item(self, name: str, status: CheckStatus) -> QTreeWidgetItem:
        item = QTreeWidgetItem([f"{name}: {status.shown}"])
        colour = _STATUS_COLOURS.get(status.status)
        if colour is not None:
            item.setForeground(0, QColor(colour))
        item.setToolTip(0, tooltip(status.shown))
        return item

    # -- copying ----------------------------------------------------------------------------

    def summary_text(self) -> str:
        """The plain text "Copy summary" puts on the clipboard."""
        return ticket_text(self.facts)

    def copy_summary(self) -> None:
        """Put the summary on the clipboard."""
        text = self.summary_text()
        clipboard = QGuiApplication.clipboard()
        clipboard.setText(text)
        self.copied.emit(text)
