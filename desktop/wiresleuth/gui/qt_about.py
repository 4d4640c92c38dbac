"""About: the program's version and those of the parts it runs on (for bug reports)."""

from __future__ import annotations

import html
import platform
from importlib import metadata

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QDialog, QLabel, QPushButton, QVBoxLayout, QWidget

import wiresleuth

_PACKAGES = ("pyqtgraph", "numpy", "scapy", "requests", "cryptography", "psutil")


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def versions() -> list[tuple[str, str]]:
    """(name, version) of the program, Python, Qt and the libraries (none imported for it)."""
    rows = [
        ("WireSleuth", wiresleuth.__version__),
        ("Python", platform.python_version()),
        ("Qt", qVersion()),
        ("PySide6", pyside_version),
    ]
    rows += [(name, _version(name)) for name in _PACKAGES]
    rows.append(("Operating system", platform.platform()))
    return rows


class QtAboutDialog(QDialog):
    """Name, purpose and versions."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("About WireSleuth"))
        layout = QVBoxLayout(self)
        rows = "".join(
            f"<tr><td>{html.escape(name)}</td><td>&nbsp;&nbsp;{html.escape(value)}</td></tr>"
            for name, value in versions()
        )
        text = (
            f"<h2>WireSleuth {html.escape(wiresleuth.__version__)}</h2>"
            f"<p>{html.escape(self.tr('Finds what breaks your connections, with evidence from the wire.'))}</p>"
            f"<table>{rows}</table>"
        )
        self.label = QLabel(text)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setAccessibleName(self.tr("Versions"))
        layout.addWidget(self.label)
        self.licences_button = QPushButton(self.tr("Licences"))
        self.licences_button.clicked.connect(self.show_licences)
        layout.addWidget(self.licences_button)
        close = QPushButton(self.tr("Close"))
        close.setAccessibleName(self.tr("Close"))
        close.setDefault(True)
        close.clicked.connect(self.accept)
        layout.addWidget(close)

    def show_licences(self) -> None:
        """The program's and its components' licences (gui/qt_licences.py)."""
        from wiresleuth.gui.qt_licences import QtLicencesDialog

        self.licences = QtLicencesDialog(self)
        self.licences.open()
