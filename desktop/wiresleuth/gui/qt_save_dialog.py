"""Save for helpdesk: what the bundle holds, where it goes, then the atomic write in a worker.

The file is written by ``bundle.writer.write_bundle`` (temporary file, then rename) in a
QThreadPool worker; the dialog stays responsive and says plainly when the folder cannot be
written. Once saved it offers to open the folder.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from wiresleuth.gui.plain_text import plain_label
from wiresleuth.gui.qt_theme import error_style
from wiresleuth.gui.qt_worker import Emit, QtFunctionWorker, start_worker
from wiresleuth.gui.save_contents import OWN_TRAFFIC_ONLY, bundle_contents, default_save_path
from wiresleuth.model.run import RunResult


class QtSaveDialog(QDialog):
    """Shows the contents, asks where, saves, offers the folder."""

    saved = Signal(object)
    """The Path written."""

    def __init__(
        self, result: RunResult, parent: QWidget | None = None, *, path: Path | None = None
    ) -> None:
        super().__init__(parent)
        self._result = result
        self._worker: QtFunctionWorker | None = None
        self.saved_path: Path | None = None
        self.setWindowTitle(self.tr("Save for helpdesk"))
        self.setAccessibleName(self.tr("Save for helpdesk"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        intro = plain_label(self.tr("The file you save (a WireSleuth bundle) contains:"))
        layout.addWidget(intro)
        self.contents = QTreeWidget()
        self.contents.setColumnCount(2)
        self.contents.setHeaderLabels([self.tr("File"), self.tr("What it holds")])
        self.contents.setRootIsDecorated(False)
        self.contents.setAccessibleName(self.tr("Contents of the bundle"))
        self.contents.setWordWrap(True)
        for member in bundle_contents(result):
            self.contents.addTopLevelItem(QTreeWidgetItem([member.name, member.what]))
        self.contents.resizeColumnToContents(0)
        self.contents.setMaximumHeight(160)
        layout.addWidget(self.contents)
        own = plain_label(self.tr(OWN_TRAFFIC_ONLY))
        own.setWordWrap(True)
        layout.addWidget(own)
        where = plain_label(self.tr("Save &to:"))
        layout.addWidget(where)
        row = QHBoxLayout()
        self.path_edit = QLineEdit(str(path or default_save_path()))
        self.path_edit.setAccessibleName(self.tr("Where to save the bundle"))
        where.setBuddy(self.path_edit)
        row.addWidget(self.path_edit, 1)
        browse = QPushButton(self.tr("&Browse…"))
        browse.setAccessibleName(self.tr("Choose where to save"))
        browse.clicked.connect(self._browse)
        row.addWidget(browse)
        layout.addLayout(row)
        self.message = plain_label()
        self.message.setWordWrap(True)
        self.message.setAccessibleName(self.tr("Save status"))
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.open_folder_button = QPushButton(self.tr("&Open folder"))
        self.open_folder_button.setAccessibleName(self.tr("Open the folder of the saved bundle"))
        self.open_folder_button.clicked.connect(self.open_folder)
        self.open_folder_button.hide()
        buttons.addWidget(self.open_folder_button)
        self.save_button = QPushButton(self.tr("&Save"))
        self.save_button.setAccessibleName(self.tr("Save the bundle"))
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        buttons.addWidget(self.save_button)
        self.close_button = QPushButton(self.tr("Cancel"))
        self.close_button.setAccessibleName(self.tr("Close this dialog"))
        self.close_button.clicked.connect(self.reject)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)

    def _browse(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Save bundle"),
            self.path_edit.text(),
            self.tr("WireSleuth bundles (*.wsbundle)"),
        )
        if chosen:
            self.path_edit.setText(chosen if chosen.endswith(".wsbundle") else chosen + ".wsbundle")

    @property
    def busy(self) -> bool:
        """True while the bundle is being written."""
        return self._worker is not None and not self._worker.done

    def save(self) -> None:
        """Write the bundle in a worker thread."""
        if self.busy:
            return
        text = self.path_edit.text().strip()
        if not text:
            self._failed(self.tr("Choose where to save the bundle."))
            return
        path = Path(text).expanduser()
        if path.suffix != ".wsbundle":
            path = path.with_name(path.name + ".wsbundle")
        self.save_button.setEnabled(False)
        self.message.setStyleSheet("")
        self.message.setText(self.tr("Saving…"))
        result = self._result

        def write(_emit: Emit) -> Path:
            from wiresleuth.bundle.writer import write_bundle

            return write_bundle(result, path)

        self._worker = start_worker(write, on_return=self._written, on_error=self._error)

    def _written(self, path: object) -> None:
        assert isinstance(path, Path)
        self.saved_path = path
        self.message.setText(self.tr("Saved: {0}").format(path))
        self.save_button.hide()
        self.open_folder_button.show()
        self.close_button.setText(self.tr("Close"))
        self.close_button.setDefault(True)
        self.close_button.clicked.disconnect()
        self.close_button.clicked.connect(self.accept)
        self.saved.emit(path)

    def _error(self, error: object) -> None:
        self._failed(self.tr("Not saved: {0}").format(error))

    def _failed(self, text: str) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(error_style())
        self.save_button.setEnabled(True)

    def open_folder(self) -> None:
        """Show the saved bundle's folder in the file manager."""
        if self.saved_path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.saved_path.parent)))

    def reject(self) -> None:
        if self.busy:  # a half-written bundle is removed by the writer; let it finish first
            return
        super().reject()
