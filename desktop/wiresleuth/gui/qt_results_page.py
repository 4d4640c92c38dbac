"""The results: a plain-language summary counting causes, then one row per cause with the
user's next step, then what to do.

"Save for helpdesk" saves the bundle; "Send to helpdesk" appears only when the profile gives
an upload address; "For the helpdesk" shows what the helpdesk will see (what they can do,
every check's status, "Copy summary"); "Details for the engineer" opens the same run in the
viewer; "Run again" runs the same checks on the same sites at once.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from wiresleuth.analysis.causes import group_causes
from wiresleuth.gui.measurements import measurements
from wiresleuth.gui.plain_text import plain_label
from wiresleuth.gui.qt_findings_view import QtFindingsView
from wiresleuth.gui.route_view import route_lines
from wiresleuth.gui.view_problems import ShapeError
from wiresleuth.model.route import RouteObservations
from wiresleuth.model.run import RunResult
from wiresleuth.profile.model import Profile
from wiresleuth.report.summary import capture_sentence, cause_headline, notes_sentence
from wiresleuth.report.ticket import check_counts


class QtResultsPage(QWidget):
    """What the run found."""

    save_requested = Signal()
    send_requested = Signal()
    details_requested = Signal()
    again_requested = Signal()
    helpdesk_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.result: RunResult | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        self.headline = plain_label()
        font = QFont(self.headline.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.headline.setFont(font)
        self.headline.setWordWrap(True)
        self.headline.setAccessibleName(self.tr("Summary"))
        layout.addWidget(self.headline)
        self._detail = plain_label()
        self._detail.setWordWrap(True)
        self._detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self._detail)
        self._routes = plain_label()
        self._routes.setWordWrap(True)
        self._routes.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._routes.setAccessibleName(self.tr("How each site was reached"))
        layout.addWidget(self._routes)
        self.checked = plain_label()
        self.checked.setWordWrap(True)
        self.checked.setAccessibleName(self.tr("What was checked"))
        layout.addWidget(self.checked)
        self.findings = QtFindingsView()
        layout.addWidget(self.findings, 1)
        self._helpdesk = plain_label()
        self._helpdesk.setWordWrap(True)
        layout.addWidget(self._helpdesk)
        buttons = QHBoxLayout()
        self.save_button = QPushButton(self.tr("&Save for helpdesk…"))
        self.save_button.setAccessibleName(self.tr("Save for helpdesk"))
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save_requested)
        buttons.addWidget(self.save_button)
        self.send_button = QPushButton(self.tr("Se&nd to helpdesk"))
        self.send_button.setAccessibleName(self.tr("Send to helpdesk"))
        self.send_button.clicked.connect(self.send_requested)
        buttons.addWidget(self.send_button)
        buttons.addStretch(1)
        self.helpdesk_button = QPushButton(self.tr("For the &helpdesk"))
        self.helpdesk_button.setAccessibleName(self.tr("What the helpdesk sees"))
        self.helpdesk_button.setToolTip(
            self.tr("What the helpdesk can do, every check's status, and a summary to copy")
        )
        self.helpdesk_button.clicked.connect(self.helpdesk_requested)
        buttons.addWidget(self.helpdesk_button)
        self.details_button = QPushButton(self.tr("&Details for the engineer"))
        self.details_button.setAccessibleName(self.tr("Details for the engineer"))
        self.details_button.clicked.connect(self.details_requested)
        buttons.addWidget(self.details_button)
        self.again_button = QPushButton(self.tr("Run &again"))
        self.again_button.setAccessibleName(self.tr("Run again"))
        self.again_button.setToolTip(self.tr("Run the same checks on the same sites now"))
        self.again_button.clicked.connect(self.again_requested)
        buttons.addWidget(self.again_button)
        layout.addLayout(buttons)

    def set_result(self, result: RunResult, profile: Profile) -> None:
        """Show ``result``; the send button only when ``profile`` has an upload address."""
        self.result = result
        causes = group_causes(result.findings)
        text = cause_headline(causes)
        if result.cancelled:
            text = self.tr("The run was cancelled.") + " " + text
        self.headline.setText(text)
        sites = ", ".join(result.targets) or self.tr("no site")
        lines = [self.tr("Sites tested: {0}.").format(sites)]
        if result.cancelled:
            lines = [
                self.tr(
                    "Sites: {0}. The run was cancelled: these results cover only the checks "
                    "that had finished."
                ).format(sites)
            ]
        notes = notes_sentence(causes)
        if notes:
            lines.append(notes)
        lines.append(capture_sentence(result.capture))
        self._detail.setText(" ".join(lines))
        self.checked.setText(
            self.tr("What was checked: {0}. “For the helpdesk” lists each check and why.").format(
                check_counts(result.checks)
            )
            if result.checks
            else ""
        )
        self.checked.setVisible(bool(result.checks))
        try:
            routes = route_lines(measurements(result.observations).of("route", RouteObservations))
        except ShapeError as exc:  # a run's own measurements always read; said if not
            routes = [self.tr("(the route table could not be read: {0})").format(exc)]
        self._routes.setText(
            "\n".join([self.tr("How each site was reached:"), *routes]) if routes else ""
        )
        self._routes.setVisible(bool(routes))
        self.findings.set_findings(result.findings)
        helpdesk = profile.helpdesk
        if helpdesk.name or helpdesk.contact:
            self._helpdesk.setText(
                self.tr("Save the results and send them to {0} {1}.")
                .format(
                    helpdesk.name or self.tr("your helpdesk"),
                    f"({helpdesk.contact})" if helpdesk.contact else "",
                )
                .strip()
            )
        else:
            self._helpdesk.setText(self.tr("Save the results and send the file to your helpdesk."))
        self.send_button.setVisible(bool(profile.upload_url))
        self.save_button.setFocus()
