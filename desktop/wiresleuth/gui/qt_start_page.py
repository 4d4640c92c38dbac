"""The first page: one clear action, "Run diagnostics", and what the run will do.

An optional "What isn't working?" field adds a site to test; the helpdesk's name and contact
come from the profile; the checks are listed from the registry; a banner says when packet
capture is not allowed and what that costs.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from wiresleuth.errors import BadInput
from wiresleuth.gui.capture_rights import CaptureRights
from wiresleuth.gui.plain_text import plain_label
from wiresleuth.gui.qt_checks_list import CheckInfo, QtChecksList
from wiresleuth.gui.qt_theme import error_style
from wiresleuth.model.target import Target
from wiresleuth.profile.model import Profile


def parse_site(text: str) -> Target | None:
    """The site typed in "What isn't working?": a URL, ``host:port`` or a bare host name
    (taken as https); None when empty. BadInput says what is wrong."""
    text = text.strip()
    if not text:
        return None
    if "://" not in text and not text.rpartition(":")[2].isdigit():
        text = f"https://{text}"
    return Target.parse(text)


class QtStartPage(QWidget):
    """Run diagnostics, the site field, the helpdesk, the checks and the capture banner."""

    run_requested = Signal()
    step_by_step = Signal(str)
    capture_help = Signal()

    def __init__(self, checks: Sequence[CheckInfo], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        outer.addWidget(scroll)
        body = QWidget()
        scroll.setWidget(body)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(32, 24, 32, 24)
        layout.setSpacing(14)

        title = plain_label(self.tr("Find out what breaks your connections"))
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.7)
        font.setBold(True)
        title.setFont(font)
        title.setWordWrap(True)
        layout.addWidget(title)
        helpdesk_row = QHBoxLayout()
        self.logo = plain_label()
        self.logo.setAccessibleName(self.tr("Your helpdesk's logo"))
        self.logo.hide()
        helpdesk_row.addWidget(self.logo)
        self._helpdesk = plain_label()
        self._helpdesk.setWordWrap(True)
        self._helpdesk.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._helpdesk.setAccessibleName(self.tr("Your helpdesk"))
        helpdesk_row.addWidget(self._helpdesk, 1)
        layout.addLayout(helpdesk_row)

        self.banner = QFrame()
        self.banner.setFrameShape(QFrame.Shape.StyledPanel)
        self.banner.setAccessibleName(self.tr("Packet capture is not available"))
        banner_layout = QHBoxLayout(self.banner)
        self._banner_text = plain_label()
        self._banner_text.setWordWrap(True)
        banner_layout.addWidget(self._banner_text, 1)
        self.banner_button = QPushButton(self.tr("What this means…"))
        self.banner_button.setAccessibleName(
            self.tr("What a run without packet capture loses, and how to allow capture")
        )
        self.banner_button.clicked.connect(self.capture_help)
        banner_layout.addWidget(self.banner_button)
        self.banner.hide()
        layout.addWidget(self.banner)

        site_label = plain_label(self.tr("&What isn't working? (optional)"))
        layout.addWidget(site_label)
        row = QHBoxLayout()
        self.site = QLineEdit()
        self.site.setPlaceholderText(
            self.tr("a site or app address, e.g. https://portal.example.com/")
        )
        self.site.setAccessibleName(self.tr("What isn't working: a site or app address"))
        self.site.setClearButtonEnabled(True)
        self.site.returnPressed.connect(self.run_requested)
        site_label.setBuddy(self.site)
        row.addWidget(self.site, 1)
        self.run_button = QPushButton(self.tr("&Run diagnostics"))
        self.run_button.setAccessibleName(self.tr("Run diagnostics"))
        self.run_button.setDefault(True)
        self.run_button.setAutoDefault(True)
        self.run_button.setMinimumHeight(int(self.run_button.sizeHint().height() * 1.5))
        big = QFont(self.run_button.font())
        big.setPointSizeF(big.pointSizeF() * 1.2)
        big.setBold(True)
        self.run_button.setFont(big)
        self.run_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.run_button.clicked.connect(self.run_requested)
        row.addWidget(self.run_button)
        layout.addLayout(row)
        self.site_error = plain_label()
        self.site_error.setWordWrap(True)
        self.site_error.setStyleSheet(error_style())
        self.site_error.hide()
        layout.addWidget(self.site_error)
        self._targets = plain_label()
        self._targets.setWordWrap(True)
        layout.addWidget(self._targets)

        group = QGroupBox(self.tr("What will be checked"))
        group_layout = QVBoxLayout(group)
        self.checks = QtChecksList(checks)
        self.checks.step_by_step.connect(self.step_by_step)
        self.checks.selection_changed.connect(self._selection_changed)
        group_layout.addWidget(self.checks)
        layout.addWidget(group)
        privacy = plain_label(
            self.tr(
                "The checks connect only to the sites listed, record only their own traffic, "
                "and keep the results on this computer until you save or send them."
            )
        )
        privacy.setWordWrap(True)
        layout.addWidget(privacy)
        layout.addStretch(1)

    def set_profile(self, profile: Profile) -> None:
        """Show the helpdesk and the sites of ``profile``."""
        helpdesk = profile.helpdesk
        if helpdesk.name or helpdesk.contact:
            text = self.tr("Your helpdesk: {0}").format(helpdesk.name or "")
            if helpdesk.contact:
                text += f" — {helpdesk.contact}"
        else:
            text = self.tr(
                "No helpdesk profile is loaded: the checks test a few well-known sites. "
                "If your helpdesk sent you a profile (a .toml file), open it with File > Open."
            )
        self._helpdesk.setText(text)
        sites = ", ".join(t.url for t in profile.targets) or self.tr("none")
        self._targets.setText(self.tr("Sites always tested: {0}").format(sites))

    def set_logo(self, path: Path) -> None:
        """Show the helpdesk's logo (shipped beside its profile), 40 px high."""
        pixmap = QPixmap(str(path))
        if pixmap.isNull():
            return
        ratio = self.devicePixelRatioF()
        scaled = pixmap.scaledToHeight(int(40 * ratio), Qt.TransformationMode.SmoothTransformation)
        scaled.setDevicePixelRatio(ratio)
        self.logo.setPixmap(scaled)
        self.logo.show()

    def set_capture_rights(self, rights: CaptureRights) -> None:
        """Show or hide the banner that says capture is not allowed."""
        if rights.available:
            self.banner.hide()
            return
        self._banner_text.setText(
            self.tr(
                "Packet capture is not allowed here ({0}). The checks still run, "
                "but some evidence will be missing."
            ).format(rights.reason)
        )
        self.banner.show()

    def extra_target(self) -> Target | None:
        """The site typed in, or None; shows and raises BadInput when it cannot be used."""
        try:
            target = parse_site(self.site.text())
        except BadInput as exc:
            self.site_error.setText(self.tr("That address cannot be tested: {0}").format(exc))
            self.site_error.show()
            self.site.setFocus()
            raise
        self.site_error.hide()
        return target

    def _selection_changed(self) -> None:
        self.run_button.setEnabled(bool(self.checks.selected()))
