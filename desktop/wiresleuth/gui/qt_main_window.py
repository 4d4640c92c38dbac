"""The main window: start page, progress, results, viewer and comparison in one stack.

The start page is built at once (it is what the user sees first); the other pages, and the
pyqtgraph they need, are built when first shown, and their imports are warmed up in a worker
thread after the window appears, so neither start-up nor "Run" waits for them. Every file
read or write (bundles, captures, profiles) happens in a worker.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QKeySequence,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from wiresleuth.errors import BadInput, WireSleuthError
from wiresleuth.gui.capture_rights import CaptureRights, check_capture_rights
from wiresleuth.gui.plain_text import plain_message_box, window_title
from wiresleuth.gui.qt_checks_list import CheckInfo, registered_checks
from wiresleuth.gui.qt_run_session import QtRunSession
from wiresleuth.gui.qt_start_page import QtStartPage
from wiresleuth.gui.qt_theme import Theme, apply_theme
from wiresleuth.gui.qt_worker import Emit, QtFunctionWorker, start_worker
from wiresleuth.model.run import RunResult
from wiresleuth.model.target import Target
from wiresleuth.profile.model import Profile

if TYPE_CHECKING:  # the pages are imported when first built (pyqtgraph comes with them)
    from wiresleuth.gui.document import Document
    from wiresleuth.gui.qt_compare_page import QtComparePage
    from wiresleuth.gui.qt_open_progress import QtOpenProgress
    from wiresleuth.gui.qt_progress_page import QtProgressPage
    from wiresleuth.gui.qt_results_page import QtResultsPage
    from wiresleuth.gui.qt_save_dialog import QtSaveDialog
    from wiresleuth.gui.qt_viewer_page import QtViewerPage
    from wiresleuth.probes.proxy_auth import ProxyCredentials
    from wiresleuth.wizards.base import Wizard

OPENABLE = (".wsbundle", ".pcap", ".pcapng", ".cap", ".gz", ".toml")
"""File name endings the window opens (bundles, captures, profiles)."""
_WARM_UP = ("pyqtgraph", "wiresleuth.engine", "wiresleuth.bundle.writer", "wiresleuth.gui.document")
_CANCEL_WAIT_MS = 3000
DEFAULT_SIZE = (1180, 700)
"""Window size on a large screen: fits 1366x768 with a title bar and a taskbar."""


def _warm_up(_emit: Emit) -> None:
    """Load now, in a worker while the window is idle, what the first run would otherwise
    load in the middle of it: the pages' modules, the engine, and the capture's scapy layers
    (importing those holds the interpreter long enough to stall the window's event loop)."""
    for name in _WARM_UP:
        importlib.import_module(name)
    from wiresleuth.capture.decode import link_layer
    from wiresleuth.capture.libpcap import load

    link_layer(1)
    with contextlib.suppress(WireSleuthError):
        load()


class QtMainWindow(QMainWindow):
    """WireSleuth's window."""

    ready = Signal()
    """Laid out and idle: shown, and any file given at start-up loaded (or failed)."""
    document_shown = Signal(object)
    """A Document is on the viewer page."""

    def __init__(
        self,
        profile: Profile,
        *,
        capture: bool = True,
        rights: CaptureRights | None = None,
        checks: Sequence[CheckInfo] | None = None,
        warm_up: bool = True,
        logo: Path | None = None,
    ) -> None:
        super().__init__()
        self.profile = profile
        self.capture = capture
        self.rights = rights
        self.result: RunResult | None = None
        self.saved_bundle: Path | None = None
        self.last_error: str | None = None
        self._workers: list[QtFunctionWorker] = []
        self._pending = 0
        self._shown = False
        self._ready_sent = False
        self._warm = warm_up
        self.warmed_up = False
        """True once the other pages are built (their imports loaded by a worker after
        ``ready``, then one page per event-loop turn)."""
        self._progress_page: QtProgressPage | None = None
        self._results_page: QtResultsPage | None = None
        self._viewer_page: QtViewerPage | None = None
        self._compare_page: QtComparePage | None = None
        self._open_progress: QtOpenProgress | None = None
        self._message_box: QMessageBox | None = None
        self.dialog: QWidget | None = None

        self.setWindowTitle("WireSleuth")
        self.setAcceptDrops(True)
        self._fit_to_screen()
        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)
        self.session = QtRunSession(self)
        self.session.finished.connect(self._run_finished)
        self.session.failed.connect(self._run_failed)
        self.start_page = QtStartPage(checks if checks is not None else registered_checks())
        self.start_page.run_requested.connect(self.run_diagnostics)
        self.start_page.step_by_step.connect(self.step_by_step)
        self.start_page.capture_help.connect(self.show_capture_help)
        self.start_page.set_profile(profile)
        if logo is not None:
            self.start_page.set_logo(logo)
        self.stack.addWidget(self.start_page)
        self._build_menus()
        self.statusBar().showMessage(self.tr("Profile: {0}").format(profile.source))

    def _fit_to_screen(self) -> None:
        """The default size, smaller on a smaller screen (1366x768 laptops keep their taskbar)."""
        width, height = DEFAULT_SIZE
        screen = QGuiApplication.primaryScreen()
        if screen is not None and QGuiApplication.platformName() != "offscreen":
            room = screen.availableGeometry()
            width, height = (
                min(width, int(room.width() * 0.95)),
                min(height, int(room.height() * 0.92)),
            )
        self.resize(width, height)

    # -- menus -----------------------------------------------------------------------------

    def _action(
        self,
        text: str,
        slot: Callable[..., Any],
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("&File"))
        self.open_action = self._action(
            self.tr("&Open…"), self.choose_file, QKeySequence.StandardKey.Open
        )
        file_menu.addAction(self.open_action)
        self.compare_action = self._action(
            self.tr("&Compare two bundles…"), self.choose_comparison, "Ctrl+Shift+C"
        )
        file_menu.addAction(self.compare_action)
        self.save_action = self._action(
            self.tr("&Save for helpdesk…"), self.save_for_helpdesk, QKeySequence.StandardKey.Save
        )
        self.save_action.setEnabled(False)
        file_menu.addAction(self.save_action)
        file_menu.addSeparator()
        file_menu.addAction(
            self._action(self.tr("&Quit"), self.close, QKeySequence.StandardKey.Quit)
        )
        view = bar.addMenu(self.tr("&View"))
        view.addAction(self._action(self.tr("&Start page"), self.show_start, "Ctrl+1"))
        theme_menu = view.addMenu(self.tr("&Theme"))
        group = QActionGroup(self)
        for theme, text in (
            (Theme.SYSTEM, self.tr("As the &system")),
            (Theme.LIGHT, self.tr("&Light")),
            (Theme.DARK, self.tr("&Dark")),
        ):
            action = self._action(text, lambda _=False, t=theme: self.set_theme(t))
            action.setCheckable(True)
            action.setChecked(theme is Theme.SYSTEM)
            group.addAction(action)
            theme_menu.addAction(action)
        help_menu = bar.addMenu(self.tr("&Help"))
        help_menu.addAction(self._action(self.tr("Packet &capture…"), self.show_capture_help))
        help_menu.addAction(self._action(self.tr("&About WireSleuth"), self.show_about))

    # -- pages -----------------------------------------------------------------------------

    def progress_page(self) -> QtProgressPage:
        """The progress page (built on first use)."""
        if self._progress_page is None:
            from wiresleuth.gui.qt_progress_page import QtProgressPage

            self._progress_page = QtProgressPage(self.session)
            self.stack.addWidget(self._progress_page)
        return self._progress_page

    def results_page(self) -> QtResultsPage:
        """The results page (built on first use)."""
        if self._results_page is None:
            from wiresleuth.gui.qt_results_page import QtResultsPage

            page = QtResultsPage()
            page.save_requested.connect(self.save_for_helpdesk)
            page.send_requested.connect(self.send_to_helpdesk)
            page.details_requested.connect(self.show_details)
            page.again_requested.connect(self.show_start)
            self._results_page = page
            self.stack.addWidget(page)
        return self._results_page

    def viewer_page(self) -> QtViewerPage:
        """The viewer page (built on first use)."""
        if self._viewer_page is None:
            from wiresleuth.gui.qt_viewer_page import QtViewerPage

            page = QtViewerPage()
            page.status.connect(self.statusBar().showMessage)
            page.back_requested.connect(self.show_start)
            page.save_requested.connect(self.save_for_helpdesk)
            self._viewer_page = page
            self.stack.addWidget(page)
        return self._viewer_page

    def compare_page(self) -> QtComparePage:
        """The comparison page (built on first use)."""
        if self._compare_page is None:
            from wiresleuth.gui.qt_compare_page import QtComparePage

            page = QtComparePage()
            page.back_requested.connect(self.show_start)
            page.open_requested.connect(self._show_compared)
            self._compare_page = page
            self.stack.addWidget(page)
        return self._compare_page

    def show_start(self) -> None:
        """Back to the start page (not while a run is going)."""
        if not self.session.is_active:
            self.stack.setCurrentWidget(self.start_page)
            self.start_page.run_button.setFocus()

    # -- ready (for screenshots and tests) ---------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._shown:
            self._shown = True
            QTimer.singleShot(0, self._after_first_show)

    def _after_first_show(self) -> None:
        if self.rights is None:
            self.rights = check_capture_rights()
        self.start_page.set_capture_rights(self.rights)
        self._maybe_ready()

    def _maybe_ready(self) -> None:
        if self._shown and self._pending == 0 and not self._ready_sent:
            self._ready_sent = True
            QTimer.singleShot(0, self._emit_ready)

    def _emit_ready(self) -> None:
        self.ready.emit()
        if self._warm:  # the window is usable: now load what the other pages need
            self._warm = False
            self._track(start_worker(_warm_up, on_finish=self._warmed_up))

    def _warmed_up(self) -> None:
        # Build the other pages now, one per event-loop turn, so that neither "Run" nor
        # "Details" has to (each takes tens of milliseconds, the viewer most).
        builders = [self.progress_page, self.results_page, self.viewer_page, self.compare_page]

        def next_page() -> None:
            if builders:
                builders.pop(0)()
                QTimer.singleShot(0, next_page)
            else:
                self.warmed_up = True

        QTimer.singleShot(0, next_page)

    def _track(self, worker: QtFunctionWorker) -> QtFunctionWorker:
        self._workers = [w for w in self._workers if not w.done] + [worker]
        return worker

    def _load(
        self,
        work: Callable[[Emit], Any],
        on_return: Callable[[Any], None],
        what: str,
        *,
        progress: bool = False,
    ) -> None:
        """Run a file job in a worker; errors are shown, and ``ready`` waits for it. With
        ``progress``, the status bar shows what the job yields and offers Cancel."""
        from wiresleuth.gui.loading import LoadCancelled

        self._pending += 1
        bar = self.open_progress() if progress else None

        def failed(error: object) -> None:
            if isinstance(error, LoadCancelled):
                self.statusBar().showMessage(self.tr("Opening {0} was cancelled.").format(what))
                return
            self.show_error(self.tr("Cannot open {0}").format(what), str(error))

        def finish() -> None:
            self._pending -= 1
            if bar is not None:
                bar.finish()
            self._maybe_ready()

        self._track(
            start_worker(
                work,
                on_yield=bar.step if bar is not None else None,
                on_return=on_return,
                on_error=failed,
                on_finish=finish,
            )
        )

    def open_progress(self) -> QtOpenProgress:
        """The status bar's progress and Cancel for files being opened (built on first use)."""
        if self._open_progress is None:
            from wiresleuth.gui.qt_open_progress import QtOpenProgress

            self._open_progress = QtOpenProgress()
            self.statusBar().addPermanentWidget(self._open_progress)
        return self._open_progress

    def show_error(self, title: str, text: str) -> None:
        """A window-modal message that does not block the event loop."""
        self.last_error = f"{title}: {text}"
        self.statusBar().showMessage(self.last_error)
        box = plain_message_box(QMessageBox.Icon.Warning, title, text, self)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        self._message_box = box
        box.open()

    # -- running ---------------------------------------------------------------------------

    def _wizards(self, ids: Sequence[str]) -> list[Wizard]:
        from wiresleuth.gui.wizard_selection import with_needs
        from wiresleuth.wizards.registry import all_wizards

        return with_needs(ids, all_wizards())

    def run_diagnostics(self) -> None:
        """Start a run of the ticked checks, with the typed site if any."""
        if self.session.is_active:
            return
        try:
            target = self.start_page.extra_target()
        except BadInput:
            return
        ids = self.start_page.checks.selected()
        if not ids:
            return
        page = self.progress_page()  # subscribed before the run starts
        self._start_run(self.session, ids, [target] if target else [])
        self.stack.setCurrentWidget(page)
        page.cancel_button.setFocus()

    def _start_run(
        self,
        session: QtRunSession,
        ids: Sequence[str],
        extra: Sequence[Target],
        credentials: ProxyCredentials | None = None,
    ) -> None:
        self.save_action.setEnabled(False)
        self.saved_bundle = None
        wizards = self._wizards(ids)
        if credentials is not None:  # in memory for this run only, never saved
            for wizard in wizards:
                if hasattr(wizard, "credentials"):
                    wizard.credentials = credentials
        session.start(self.profile, wizards, extra_targets=extra, capture=self.capture)

    def _run_finished(self, result: object) -> None:
        if not isinstance(result, RunResult):
            return
        self._show_result(result)

    def _show_result(self, result: RunResult) -> None:
        from wiresleuth.engine import discard_scratch

        previous, self.result = self.result, result
        if previous is not None and previous is not result:
            discard_scratch(previous)  # its capture can no longer be saved from the window
        self.saved_bundle = None
        self.save_action.setEnabled(True)
        page = self.results_page()
        page.set_result(result, self.profile)
        self.stack.setCurrentWidget(page)
        self.statusBar().showMessage(
            self.tr("Run finished in {0:.1f} s").format(result.finished_at - result.started_at)
        )

    def _run_failed(self, text: str) -> None:
        self.show_error(self.tr("The run failed"), text)
        self.show_start()

    def step_by_step(self, ident: str) -> None:
        """Walk one check through a QWizard."""
        from wiresleuth.gui.qt_check_wizard import QtCheckWizard

        checks = {c.id: c for c in registered_checks()}
        if ident not in checks or self.session.is_active:
            return
        wizard = QtCheckWizard(
            checks[ident],
            self.profile,
            self.start_page.site.text(),
            lambda session, extra, credentials: self._start_run(
                session, [ident], extra, credentials
            ),
            self,
        )
        wizard.run_finished.connect(self._wizard_result)
        self.dialog = wizard
        wizard.open()

    def _wizard_result(self, result: object) -> None:
        if isinstance(result, RunResult):
            self._show_result(result)

    # -- results ---------------------------------------------------------------------------

    def save_for_helpdesk(self) -> QtSaveDialog | None:
        """Show what the bundle holds and save it."""
        from wiresleuth.gui.qt_save_dialog import QtSaveDialog

        if self.result is None:
            return None
        dialog = QtSaveDialog(self.result, self)
        dialog.saved.connect(self._saved)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _saved(self, path: object) -> None:
        if isinstance(path, Path):
            self.saved_bundle = path
            self.statusBar().showMessage(self.tr("Saved {0}").format(path))

    def send_to_helpdesk(self) -> None:
        """Upload the saved bundle (saving it first when needed)."""
        from wiresleuth.gui.qt_upload_dialog import QtUploadDialog

        url = self.profile.upload_url
        if not url or self.result is None:
            return
        if self.saved_bundle is None:
            dialog = self.save_for_helpdesk()
            if dialog is not None:
                dialog.saved.connect(lambda _path: QTimer.singleShot(0, self.send_to_helpdesk))
            return
        upload = QtUploadDialog(self.saved_bundle, url, self)
        self.dialog = upload
        upload.open()
        upload.start()

    def show_details(self) -> None:
        """The run just made, in the engineer's viewer."""
        from wiresleuth.gui.document import document_from_result

        if self.result is not None:
            self.show_document(document_from_result(self.result))

    def show_document(self, document: Document) -> None:
        """Put a Document on the viewer page."""
        page = self.viewer_page()
        page.set_document(document)
        self.stack.setCurrentWidget(page)
        self.setWindowTitle(window_title(f"{document.title} — WireSleuth"))
        self.document_shown.emit(document)

    def _show_compared(self, document: object, finding: object) -> None:
        """One side of a comparison in the viewer, at the finding chosen there."""
        from wiresleuth.gui.document import Document
        from wiresleuth.model.finding import Finding

        if isinstance(document, Document):
            self.show_document(document)
            if isinstance(finding, Finding):
                self.viewer_page().show_finding(finding)

    # -- files -----------------------------------------------------------------------------

    def choose_file(self) -> None:
        """File > Open."""
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Open a bundle, capture or profile"),
            "",
            self.tr(
                "Bundles and captures (*.wsbundle *.pcap *.pcapng *.cap *.gz);;Profiles (*.toml);;All files (*)"
            ),
        )
        if path:
            self.open_path(Path(path))

    def choose_comparison(self) -> None:
        """File > Compare two bundles."""
        paths, _ = QFileDialog.getOpenFileNames(
            self,
            self.tr("Choose two bundles to compare"),
            "",
            self.tr("Bundles and captures (*.wsbundle *.pcap *.pcapng)"),
        )
        if len(paths) == 2:
            self.compare_paths(Path(paths[0]), Path(paths[1]))
        elif paths:
            self.show_error(
                self.tr("Compare"),
                self.tr("Choose exactly two files (hold Ctrl to pick the second)."),
            )

    def open_path(self, path: Path) -> None:
        """Open a bundle or capture in the viewer, or load a profile (.toml)."""
        if path.suffix.lower() == ".toml":
            self.load_profile(path)
            return

        from wiresleuth.gui.loading import cancellable

        flag = self.open_progress().start(path.name)

        def load(emit: Emit) -> Document:
            from wiresleuth.gui.document import load_document

            return load_document(path, cancellable(flag, emit))

        self.statusBar().clearMessage()  # the progress beside it says what is being opened
        self._load(load, self._document_loaded, path.name, progress=True)

    def _document_loaded(self, document: object) -> None:
        from wiresleuth.gui.document import Document

        if isinstance(document, Document):
            self.show_document(document)
            self.statusBar().showMessage(self.tr("Opened {0}").format(document.title))

    def compare_paths(self, first: Path, second: Path) -> None:
        """Load two files and show what differs."""

        from wiresleuth.gui.loading import cancellable

        what = f"{first.name} / {second.name}"
        flag = self.open_progress().start(what)

        def load(emit: Emit) -> tuple[Document, Document, object]:
            from wiresleuth.gui.compare_model import compare_documents
            from wiresleuth.gui.document import load_document

            a = load_document(first, cancellable(flag, emit, 0.0, 0.5))
            b = load_document(second, cancellable(flag, emit, 0.5, 1.0))
            return a, b, compare_documents(a, b)

        self._load(load, self._comparison_loaded, what, progress=True)

    def _comparison_loaded(self, value: object) -> None:
        from wiresleuth.gui.compare_model import Comparison
        from wiresleuth.gui.document import Document

        if not isinstance(value, tuple):
            return
        a, b, comparison = value
        if (
            isinstance(a, Document)
            and isinstance(b, Document)
            and isinstance(comparison, Comparison)
        ):
            page = self.compare_page()
            page.set_comparison(a, b, comparison)
            self.stack.setCurrentWidget(page)
            self.setWindowTitle(
                window_title(self.tr("{0} vs {1} — WireSleuth").format(a.title, b.title))
            )

    def load_profile(self, path: Path) -> None:
        """Use the helpdesk profile at ``path`` for the next runs."""

        def load(_emit: Emit) -> tuple[Profile, Path | None]:
            from wiresleuth.profile.locate import find_logo, locate_profile

            located = locate_profile(path)
            return located.profile, find_logo(located)

        self._load(load, lambda loaded: self.set_profile(*loaded), path.name)

    def set_profile(self, profile: Profile, logo: Path | None = None) -> None:
        """Use ``profile`` (and its helpdesk's logo) from now on."""
        if isinstance(profile, Profile):
            self.profile = profile
            self.start_page.set_profile(profile)
            if logo is not None:
                self.start_page.set_logo(logo)
            self.statusBar().showMessage(self.tr("Profile: {0}").format(profile.source))
            self.show_start()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls()
        if urls and all(
            u.isLocalFile() and u.toLocalFile().lower().endswith(OPENABLE) for u in urls[:2]
        ):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        event.acceptProposedAction()
        if len(paths) >= 2:
            self.compare_paths(paths[0], paths[1])
        elif paths:
            self.open_path(paths[0])

    # -- help ------------------------------------------------------------------------------

    def show_capture_help(self) -> None:
        """What capture adds and how to allow it here."""
        from wiresleuth.gui.qt_capture_dialog import QtCaptureDialog

        rights = self.rights or check_capture_rights()
        if rights.available:
            QMessageBox.information(
                self,
                self.tr("Packet capture"),
                self.tr("Packet capture is allowed for this program."),
            )
            return
        dialog = QtCaptureDialog(rights, self)
        self.dialog = dialog
        dialog.open()

    def show_about(self) -> None:
        """Help > About."""
        from wiresleuth.gui.qt_about import QtAboutDialog

        dialog = QtAboutDialog(self)
        self.dialog = dialog
        dialog.open()

    def set_theme(self, theme: Theme) -> None:
        """Switch the palette now."""
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, theme)

    # -- closing ---------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.session.is_active:
            self.session.cancel()
            self.session.wait(_CANCEL_WAIT_MS)
        super().closeEvent(event)
