"""The results: a plain-language summary first, then traffic-light findings, then what to do.

"Save for helpdesk" saves the bundle; "Send to helpdesk" appears only when the profile gives
an upload address; "Details for the engineer" opens the same run in the viewer.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from wiresleuth.gui.plain_text import plain_label
from wiresleuth.gui.qt_findings_view import QtFindingsView
from wiresleuth.gui.route_view import route_lines
from wiresleuth.model.run import RunResult
from wiresleuth.profile.model import Profile
from wiresleuth.report.summary import capture_sentence, count_by_severity, headline


class QtResultsPage(QWidget):
    """What the run found."""

    save_requested = Signal()
    send_requested = Signal()
    details_requested = Signal()
    again_requested = Signal()

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
        self.details_button = QPushButton(self.tr("&Details for the engineer"))
        self.details_button.setAccessibleName(self.tr("Details for the engineer"))
        self.details_button.clicked.connect(self.details_requested)
        buttons.addWidget(self.details_button)
        self.again_button = QPushButton(self.tr("Run &again"))
        self.again_button.setAccessibleName(self.tr("Run again"))
        self.again_button.clicked.connect(self.again_requested)
        buttons.addWidget(self.again_button)
        layout.addLayout(buttons)

    def set_result(self, result: RunResult, profile: Profile) -> None:
        """Show ``result``; the send button only when ``profile`` has an upload address."""
        self.result = result
        text = headline(count_by_severity(result.findings))
        if result.cancelled:
            text = self.tr("The run was cancelled.") + " " + text
        self.headline.setText(text)
        detail = capture_sentence(result.capture)
        if result.cancelled:
            detail = (
                self.tr("These results cover only the checks that had finished.") + " " + detail
            )
        self._detail.setText(detail)
        routes = route_lines(result.observations)
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
