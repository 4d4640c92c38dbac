"""Keep watching: the watch (``engine.watch``) from the window, its attempts as they come.

The watch runs in a worker thread (``qt_worker``); its progress arrives on the GUI thread as
queued signals: a line per attempt in plain words, and the summary, which the watch view
(the same as the viewer's Watch tab) redraws. Stop cancels (the watch ends within a second
or two, keeping what it saw); Save writes its bundle in a worker too. The GUI thread never
waits on the network or the disk.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from wiresleuth.gui.plain_text import plain_label
from wiresleuth.gui.qt_watch_view import QtWatchView
from wiresleuth.gui.qt_worker import Emit, QtFunctionWorker, start_worker
from wiresleuth.model.target import Target
from wiresleuth.model.watch import WatchProgress, WatchRun
from wiresleuth.profile.model import Profile

if TYPE_CHECKING:
    from wiresleuth.engine.watch import Watch


class QtWatchPage(QWidget):
    """Start and stop a watch, see it as it goes, save it for the helpdesk."""

    back_requested = Signal()
    """The user wants the start page."""
    saved = Signal(Path)
    """The watch's bundle was written there."""
    finished = Signal()
    """The watch ended (its time was up, or Stop); ``run`` holds it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.profile: Profile | None = None
        self.extra: tuple[Target, ...] = ()
        self.capture = True
        self.run: WatchRun | None = None
        self.error: str | None = None
        self.saved_path: Path | None = None
        self._let_go: WatchRun | None = None
        self._watch: Watch | None = None
        self._worker: QtFunctionWorker | None = None
        self._saver: QtFunctionWorker | None = None
        self._let_go_running = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        title = QLabel(self.tr("Keep watching"))
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        title.setFont(font)
        layout.addWidget(title)
        self.explain = plain_label(
            self.tr(
                "Repeats a light check (name resolution, a secure connection to every address, "
                "the PAC file when one is set) and runs a full diagnosis as soon as it fails. "
                "Leave it running while the problem comes and goes."
            )
        )
        self.explain.setWordWrap(True)
        layout.addWidget(self.explain)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Every")))
        self.every = QSpinBox()
        self.every.setRange(5, 3600)
        self.every.setValue(120)
        self.every.setSuffix(self.tr(" s"))
        self.every.setAccessibleName(self.tr("Seconds between attempts"))
        row.addWidget(self.every)
        row.addWidget(QLabel(self.tr("for")))
        self.minutes = QSpinBox()
        self.minutes.setRange(1, 31 * 24 * 60)
        self.minutes.setValue(8 * 60)
        self.minutes.setSuffix(self.tr(" min"))
        self.minutes.setAccessibleName(self.tr("Minutes to watch"))
        row.addWidget(self.minutes)
        self.start_button = QPushButton(self.tr("&Start watching"))
        self.start_button.clicked.connect(self.start)
        self.start_button.setAccessibleName(self.tr("Start watching"))
        row.addWidget(self.start_button)
        self.stop_button = QPushButton(self.tr("S&top"))
        self.stop_button.setEnabled(False)
        self.stop_button.clicked.connect(self.stop)
        self.stop_button.setAccessibleName(self.tr("Stop watching"))
        row.addWidget(self.stop_button)
        self.save_button = QPushButton(self.tr("&Save for helpdesk…"))
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self.choose_file)
        self.save_button.setAccessibleName(self.tr("Save the watch for the helpdesk"))
        row.addWidget(self.save_button)
        row.addStretch(1)
        self.back_button = QPushButton(self.tr("&Back to start"))
        self.back_button.clicked.connect(self.back_requested)
        self.back_button.setAccessibleName(self.tr("Back to the start page"))
        row.addWidget(self.back_button)
        layout.addLayout(row)
        self.status = plain_label()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        split = QSplitter()
        self.lines = QPlainTextEdit()
        self.lines.setReadOnly(True)
        self.lines.setMaximumBlockCount(5000)
        self.lines.setAccessibleName(self.tr("Attempts as they come"))
        split.addWidget(self.lines)
        self.view = QtWatchView()
        split.addWidget(self.view)
        split.setSizes([380, 900])
        layout.addWidget(split, 1)

    @property
    def watching(self) -> bool:
        """Whether a watch is running."""
        return self._worker is not None and not self._worker.done

    @property
    def unsaved(self) -> bool:
        """Whether closing now would lose a watch: running, or ended and neither saved nor
        let go by the user."""
        if self.watching:
            return True
        return self.run is not None and self.saved_path is None and self.run is not self._let_go

    def let_go(self) -> None:
        """The user chose to lose it: stop the watch if it runs, ask no more about it."""
        self.stop()
        self._let_go = self.run
        self._let_go_running = self.watching

    def set_profile(
        self, profile: Profile, extra: tuple[Target, ...] = (), *, capture: bool = True
    ) -> None:
        """What the next watch watches."""
        self.profile, self.extra, self.capture = profile, extra, capture
        sites = ", ".join(t.key for t in dict.fromkeys((*profile.targets, *extra))) or "-"
        self.status.setText(self.tr("Sites: {0}").format(sites))

    def start(self) -> None:
        """Start a watch with the settings shown (nothing if one is running)."""
        from wiresleuth.engine.watch import Watch

        if self.watching or self.profile is None:
            return
        profile, extra, capture = self.profile, self.extra, self.capture
        every, duration = float(self.every.value()), 60.0 * self.minutes.value()
        try:
            watch = Watch(
                profile, every=every, duration=duration, extra_targets=extra, capture=capture
            )
        except ValueError as exc:
            self.status.setText(str(exc))
            return
        if not watch.targets:
            self.status.setText(self.tr("Nothing to watch: the profile names no site."))
            return
        self._watch = watch
        self.run, self.error, self.saved_path = None, None, None
        self._let_go_running = False
        self.lines.clear()
        self.view.set_summary(None)

        def work(emit: Emit) -> WatchRun:
            watch.listen(emit)
            return watch.run()

        self._worker = start_worker(
            work,
            on_yield=self._progress,
            on_return=self._done,
            on_error=self._failed,
            on_finish=self._ended,
        )
        self.start_button.setEnabled(False)
        self.stop_button.setEnabled(True)
        self.save_button.setEnabled(False)
        self.back_button.setEnabled(False)
        self.status.setText(
            self.tr("Watching {0} every {1} s for {2} min.").format(
                ", ".join(watch.targets), int(every), self.minutes.value()
            )
        )

    def stop(self) -> None:
        """Stop the watch; it ends within a second or two with what it saw. Returns at once."""
        watch = self._watch
        if watch is not None and self.watching:
            watch.cancel()
            self.stop_button.setEnabled(False)
            self.status.setText(self.tr("Stopping: keeping what the watch saw…"))

    def _progress(self, item: object) -> None:
        if not isinstance(item, WatchProgress):
            return
        if item.kind != "attempt-started":
            stamp = time.strftime("%H:%M:%S", time.localtime(item.time))
            self.lines.appendPlainText(f"{stamp}  {item.message}")
        else:
            self.status.setText(item.message)
        if item.summary is not None:
            self.view.set_summary(item.summary)

    def _done(self, value: object) -> None:
        if isinstance(value, WatchRun):
            self.run = value
            if self._let_go_running:
                self._let_go = value
            self.view.set_summary(value.summary)
            self.save_button.setEnabled(True)
            self.status.setText(self.tr("The watch ended. Save it for your helpdesk."))

    def _failed(self, error: object) -> None:
        self.error = str(error)
        self.status.setText(self.tr("The watch failed: {0}").format(error))

    def _ended(self) -> None:
        self.start_button.setEnabled(True)
        self.stop_button.setEnabled(False)
        self.back_button.setEnabled(True)
        self.finished.emit()

    def choose_file(self) -> None:
        """Ask where to save (a non-blocking dialog), then save there."""
        dialog = QFileDialog(self, self.tr("Save the watch for your helpdesk"))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilter(self.tr("WireSleuth bundles (*.wsbundle)"))
        dialog.setDefaultSuffix("wsbundle")
        dialog.fileSelected.connect(lambda name: self.save(Path(name)))
        dialog.open()

    def save(self, path: Path) -> None:
        """Write the watch's bundle at ``path`` in a worker; ``saved`` when done."""
        from wiresleuth.bundle.watch_file import write_watch_bundle
        from wiresleuth.engine.watch import discard_watch_scratch

        done = self.run
        if done is None:
            return
        self.save_button.setEnabled(False)

        def write(_emit: Emit) -> Path:
            written = write_watch_bundle(done, path)
            discard_watch_scratch(done)
            return written

        def saved(value: object) -> None:
            if isinstance(value, Path):
                self.saved_path = value
                self.status.setText(self.tr("Saved: {0}").format(value))
                self.saved.emit(value)

        def failed(error: object) -> None:
            self.save_button.setEnabled(True)
            self.status.setText(self.tr("Could not save: {0}").format(error))

        self._saver = start_worker(write, on_return=saved, on_error=failed)
