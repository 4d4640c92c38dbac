"""The main window: start page, progress, results, helpdesk page, viewer and comparison in
one stack.

The start page is built at once (it is what the user sees first); the other pages, and the
pyqtgraph they need, are built when first shown, and their imports are warmed up in a worker
thread after the window appears, so neither start-up nor "Run" waits for them. Every file
read or write (bundles, captures, profiles, a bundle's hash) happens in a worker.

The title says what is shown and marks results not saved yet ("*"); replacing or closing
unsaved results (a new run, "Run again", File > Quit, the window's close button) asks first.
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
    from wiresleuth.gui.qt_helpdesk_page import QtHelpdeskPage
    from wiresleuth.gui.qt_open_progress import QtOpenProgress
    from wiresleuth.gui.qt_progress_page import QtProgressPage
    from wiresleuth.gui.qt_results_page import QtResultsPage
    from wiresleuth.gui.qt_save_dialog import QtSaveDialog
    from wiresleuth.gui.qt_viewer_page import QtViewerPage
    from wiresleuth.gui.qt_watch_page import QtWatchPage
    from wiresleuth.probes.proxy_auth import ProxyCredentials
    from wiresleuth.wizards.base import Wizard

OPENABLE = (".wsbundle", ".pcap", ".pcapng", ".cap", ".gz", ".toml")
"""File name endings the window opens (bundles, captures, profiles)."""
_WARM_UP = ("wiresleuth.engine", "wiresleuth.bundle.writer", "wiresleuth.gui.document")
"""Not pyqtgraph: importing it copies every attribute of PySide6's modules, which makes
PySide6's lazily created types in the importing thread while the window's thread uses Qt;
in this worker that crashed the program (SIGSEGV, 1 in 30 'open --screenshot' of a bad
file). The pages built after the warm-up import it in the window's thread."""
_CANCEL_WAIT_MS = 3000
DEFAULT_SIZE = (1180, 700)
"""Window size on a large screen: fits 1366x768 with a title bar and a taskbar."""


def _warm_up(_emit: Emit) -> None:
    """Load now, in a worker while the window is idle, what the first run would otherwise
    load in the middle of it: the engine, the bundle writer, the viewer's document, and the
    capture's scapy layers (importing those holds the interpreter long enough to stall the
    window's event loop)."""
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
        self._warm_worker: QtFunctionWorker | None = None
        self.warmed_up = False
        """True once the other pages are built (their imports loaded by a worker after
        ``ready``, then one page per event-loop turn)."""
        self._progress_page: QtProgressPage | None = None
        self._results_page: QtResultsPage | None = None
        self._viewer_page: QtViewerPage | None = None
        self._compare_page: QtComparePage | None = None
        self._helpdesk_page: QtHelpdeskPage | None = None
        self._watch_page: QtWatchPage | None = None
        self._helpdesk_document: Document | None = None
        self._helpdesk_back: QWidget | None = None
        self._open_progress: QtOpenProgress | None = None
        self._message_box: QMessageBox | None = None
        self.dialog: QWidget | None = None
        self.unsaved_box: QMessageBox | None = None
        """The "results not saved" question, while it is open."""
        self._discarded: RunResult | None = None
        self._last_run: tuple[list[str], list[Target]] | None = None

        self._set_title("WireSleuth")
        self.setAcceptDrops(True)
        self._fit_to_screen()
        self.stack = QStackedWidget()
        self.stack.currentChanged.connect(self._page_changed)
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
        self.watch_action = self._action(
            self.tr("&Keep watching…"), self.keep_watching, "Ctrl+Shift+W"
        )
        file_menu.addAction(self.watch_action)
        self.save_action = self._action(
            self.tr("&Save for helpdesk…"), self.save_for_helpdesk, QKeySequence.StandardKey.Save
        )
        self.save_action.setEnabled(False)
        file_menu.addAction(self.save_action)
        file_menu.addSeparator()
        self.quit_action = self._action(self.tr("&Quit"), self.quit, QKeySequence.StandardKey.Quit)
        file_menu.addAction(self.quit_action)
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
            page.again_requested.connect(self.run_again)
            page.helpdesk_requested.connect(self.show_helpdesk_of_result)
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
            page.helpdesk_requested.connect(self._helpdesk_of_viewer)
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

    def helpdesk_page(self) -> QtHelpdeskPage:
        """The helpdesk's page (built on first use)."""
        if self._helpdesk_page is None:
            from wiresleuth.gui.qt_helpdesk_page import QtHelpdeskPage

            page = QtHelpdeskPage()
            page.back_requested.connect(self._helpdesk_went_back)
            page.send_requested.connect(self._helpdesk_send)
            page.details_requested.connect(self._helpdesk_details)
            page.copied.connect(
                lambda _text: self.statusBar().showMessage(
                    self.tr("Summary copied: paste it into the ticket."), 10_000
                )
            )
            self._helpdesk_page = page
            self.stack.addWidget(page)
        return self._helpdesk_page

    def watch_page(self) -> QtWatchPage:
        """The "Keep watching" page (made on first use)."""
        if self._watch_page is None:
            from wiresleuth.gui.qt_watch_page import QtWatchPage

            page = QtWatchPage()
            page.back_requested.connect(self.show_start)
            self._watch_page = page
            self.stack.addWidget(page)
        return self._watch_page

    def keep_watching(self) -> None:
        """File > Keep watching: the watch page for the profile's sites and the typed one."""
        if self.session.is_active:
            return
        try:
            target = self.start_page.extra_target()
        except BadInput:
            target = None
        page = self.watch_page()
        if not page.watching:
            page.set_profile(self.profile, (target,) if target else (), capture=self.capture)
        self.stack.setCurrentWidget(page)
        self._set_title(self.tr("Keep watching — WireSleuth"))

    def show_start(self) -> None:
        """Back to the start page (not while a run is going)."""
        if not self.session.is_active:
            self.stack.setCurrentWidget(self.start_page)
            self._set_title("WireSleuth")
            self.start_page.run_button.setFocus()

    # -- title, unsaved results ----------------------------------------------------------------

    def _set_title(self, text: str) -> None:
        """``text`` as the title, with the "modified" mark while results are unsaved."""
        self.setWindowTitle(window_title(text) + "[*]")
        self.setWindowModified(self.unsaved())

    def unsaved(self) -> bool:
        """Whether the last run's results would be lost (not saved, not let go by the user)."""
        return (
            self.result is not None
            and self.saved_bundle is None
            and self.result is not self._discarded
        )

    def ask_about_unsaved(self, then: Callable[[], None]) -> bool:
        """True when nothing unsaved stands in the way of ``then``; else ask (Save, Discard,
        Cancel) without blocking, and call ``then`` after Save or Discard."""
        if not self.unsaved():
            return True
        if self.unsaved_box is not None:  # already asking
            return False
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Results not saved"),
            self.tr(
                "The results of the last run are not saved. Save them for your helpdesk first?"
            ),
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        result = self.result

        def answered(code: int) -> None:
            self.unsaved_box = None
            if code == QMessageBox.StandardButton.Discard:
                self._discarded = result
                self.setWindowModified(False)
                QTimer.singleShot(0, then)
            elif code == QMessageBox.StandardButton.Save:
                dialog = self.save_for_helpdesk()
                if dialog is not None:
                    dialog.saved.connect(lambda _path: QTimer.singleShot(0, dialog.accept))
                    dialog.saved.connect(lambda _path: QTimer.singleShot(0, then))

        box.finished.connect(answered)
        self.unsaved_box = box
        box.open()
        return False

    def quit(self) -> None:
        """File > Quit: ask about unsaved results (and an unsaved watch), then close."""
        if self.ask_about_unsaved(self.quit) and self.ask_about_watch(self.quit):
            self._discarded = self.result  # asked (or nothing to lose): close now
            self.close()

    def ask_about_watch(self, then: Callable[[], None]) -> bool:
        """True when no watch would be lost; else ask (Save, Discard, Cancel) without
        blocking: Discard stops it and calls ``then``; Save shows the watch to save it."""
        page = self._watch_page
        if page is None or not page.unsaved:
            return True
        if self.unsaved_box is not None:
            return False
        running = page.watching
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Watch not saved"),
            self.tr("A watch is still running. Stop it and lose what it saw?")
            if running
            else self.tr("The watch is not saved. Save it for your helpdesk first?"),
            (QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel)
            if running
            else QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setWindowModality(Qt.WindowModality.WindowModal)

        def answered(code: int) -> None:
            self.unsaved_box = None
            if code == QMessageBox.StandardButton.Discard:
                page.let_go()
                QTimer.singleShot(0, then)
            elif code == QMessageBox.StandardButton.Save:
                self.stack.setCurrentWidget(page)
                page.choose_file()

        box.finished.connect(answered)
        self.unsaved_box = box
        box.open()
        return False

    def _page_changed(self, _index: int) -> None:
        """An error in the status bar belongs to the page it happened on."""
        if self.last_error is not None and self.statusBar().currentMessage() == self.last_error:
            self.statusBar().clearMessage()

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
            self._warm_worker = self._track(start_worker(_warm_up, on_finish=self._warmed_up))

    def finish_warm_up(self, timeout: float) -> bool:
        """Wait (bounded) for the warm-up's imports to end; whether they did.

        Called as the program exits: an interpreter that finalizes while a worker is still
        importing (a short session on a loaded machine: the screenshot of a bad file) crashed
        with SIGSEGV. Imports always end, so the wait is long; the window is gone already.
        """
        worker = self._warm_worker
        return worker is None or worker.wait(timeout)

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
        """A window-modal message that does not block the event loop; the status bar keeps
        it until the page changes (or a minute passes)."""
        self.last_error = f"{title}: {text}"
        self.statusBar().showMessage(self.last_error, 60_000)
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
        if not ids or not self.ask_about_unsaved(self.run_diagnostics):
            return
        self._run_in_window(ids, [target] if target else [])

    def run_again(self) -> None:
        """ "Run again": the same checks on the same sites, at once."""
        if self.session.is_active or self._last_run is None:
            self.show_start()
            return
        if not self.ask_about_unsaved(self.run_again):
            return
        ids, extra = self._last_run
        self._run_in_window(ids, extra)

    def _run_in_window(self, ids: Sequence[str], extra: Sequence[Target]) -> None:
        page = self.progress_page()  # subscribed before the run starts
        self._start_run(self.session, ids, extra)
        self.stack.setCurrentWidget(page)
        self._set_title(self.tr("Running — WireSleuth"))
        self.statusBar().clearMessage()
        page.cancel_button.setFocus()

    def _start_run(
        self,
        session: QtRunSession,
        ids: Sequence[str],
        extra: Sequence[Target],
        credentials: ProxyCredentials | None = None,
    ) -> None:
        self.save_action.setEnabled(False)
        self._last_run = (list(ids), list(extra))
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
        self._set_title(self.tr("Results — WireSleuth"))
        took = result.finished_at - result.started_at
        if result.cancelled:
            self.statusBar().showMessage(
                self.tr(
                    "Run cancelled after {0:.1f} s: the results cover the checks that had finished"
                ).format(took)
            )
        else:
            self.statusBar().showMessage(self.tr("Run finished in {0:.1f} s").format(took))

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
        if not isinstance(path, Path):
            return
        self.saved_bundle = path
        self.statusBar().showMessage(self.tr("Saved {0}").format(path))
        self._set_title(f"{path.name} — WireSleuth")
        viewer = self._viewer_page
        if (
            viewer is not None
            and viewer.document is not None
            and viewer.document.result is self.result
        ):
            viewer.mark_saved(path)
        helpdesk = self._helpdesk_document
        if helpdesk is not None and helpdesk.result is not None and helpdesk.result is self.result:
            self._hash_bundle(helpdesk, path)

    def send_to_helpdesk(self) -> None:
        """Upload the saved bundle (saving it first when needed: the save dialog closes
        before the upload's opens, so one dialog is open at a time)."""
        url = self.profile.upload_url
        if not url or self.result is None:
            return
        if self.saved_bundle is None:
            dialog = self.save_for_helpdesk()
            if dialog is not None:
                dialog.saved.connect(lambda _path: QTimer.singleShot(0, dialog.accept))
                dialog.saved.connect(lambda _path: QTimer.singleShot(0, self.send_to_helpdesk))
            return
        self.send_bundle(self.saved_bundle)

    def send_bundle(self, bundle: Path) -> None:
        """Upload ``bundle`` to the profile's upload address, through the route this
        computer's applications take to it."""
        from wiresleuth.gui.qt_upload_dialog import QtUploadDialog

        url = self.profile.upload_url
        if not url:
            return
        upload = QtUploadDialog(bundle, url, self.profile, self)
        self.dialog = upload
        upload.open()  # the user may type a ticket number, then Send

    def show_details(self) -> None:
        """The run just made, in the engineer's viewer."""
        from wiresleuth.gui.document import document_from_result

        if self.result is not None:
            self.show_document(document_from_result(self.result))

    def show_document(self, document: Document) -> None:
        """Put a Document on the viewer page."""
        page = self.viewer_page()
        page.set_document(document)
        if document.result is not None and document.result is self.result and self.saved_bundle:
            page.mark_saved(self.saved_bundle)
            self._set_title(f"{self.saved_bundle.name} — WireSleuth")
        elif document.result is not None:
            self._set_title(self.tr("Results — WireSleuth"))
        else:
            self._set_title(f"{document.title} — WireSleuth")
        self.stack.setCurrentWidget(page)
        self.document_shown.emit(document)

    def _show_compared(self, document: object, finding: object) -> None:
        """One side of a comparison in the viewer, at the finding chosen there."""
        from wiresleuth.gui.document import Document
        from wiresleuth.model.finding import Finding

        if isinstance(document, Document):
            self.show_document(document)
            if isinstance(finding, Finding):
                self.viewer_page().show_finding(finding)

    # -- the helpdesk's page -------------------------------------------------------------------

    def show_helpdesk_of_result(self) -> None:
        """The helpdesk's page of the run just made."""
        from wiresleuth.gui.document import document_from_result

        if self.result is not None:
            self.show_helpdesk(document_from_result(self.result), self.results_page())

    def _helpdesk_of_viewer(self) -> None:
        viewer = self._viewer_page
        if viewer is not None and viewer.document is not None:
            self.show_helpdesk(viewer.document, viewer)

    def show_helpdesk(self, document: Document, back: QWidget | None = None) -> None:
        """The helpdesk's page of ``document``; Back returns to ``back``."""
        from wiresleuth.gui.helpdesk_facts import helpdesk_facts

        page = self.helpdesk_page()
        self._helpdesk_document, self._helpdesk_back = document, back
        bundle = self._bundle_of(document)
        page.set_facts(
            helpdesk_facts(document, bundle=bundle), can_send=bool(self.profile.upload_url)
        )
        self.stack.setCurrentWidget(page)
        if bundle is not None:
            self._hash_bundle(document, bundle)

    def _bundle_of(self, document: Document) -> Path | None:
        """The bundle file of ``document``: the one opened, or where the run was saved."""
        if document.result is not None:
            return self.saved_bundle if document.result is self.result else None
        return document.source if document.kind.value == "bundle" else None

    def _hash_bundle(self, document: Document, bundle: Path) -> None:
        """Compute the bundle's SHA-256 in a worker, for the page and "Copy summary"."""
        from wiresleuth.gui.helpdesk_facts import file_sha256

        page = self.helpdesk_page()
        page.set_bundle(bundle.name, None)

        def digest(_emit: Emit) -> str:
            return file_sha256(bundle)

        def done(value: object) -> None:
            if self._helpdesk_document is document and isinstance(value, str):
                page.set_bundle(bundle.name, value)

        def failed(error: object) -> None:
            if self._helpdesk_document is document:
                page.set_bundle(bundle.name, self.tr("unknown ({0})").format(error))

        self._track(start_worker(digest, on_return=done, on_error=failed))

    def _helpdesk_went_back(self) -> None:
        back = self._helpdesk_back
        if back is not None and self.stack.indexOf(back) >= 0:
            self.stack.setCurrentWidget(back)
        else:
            self.show_start()

    def _helpdesk_send(self) -> None:
        document = self._helpdesk_document
        if document is None:
            return
        if document.result is not None:
            self.send_to_helpdesk()
        elif document.source is not None:
            self.send_bundle(document.source)

    def _helpdesk_details(self) -> None:
        document = self._helpdesk_document
        if document is not None:
            self.show_document(document)

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
            if document.damage:
                from wiresleuth.gui.document import damage_note

                self.show_error(
                    self.tr("{0} is damaged").format(document.title),
                    damage_note(document.damage)
                    + " "
                    + self.tr("What could be read is shown; ask for the file again."),
                )

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
            self._set_title(self.tr("{0} vs {1} — WireSleuth").format(a.title, b.title))

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
        # The window's close button (a spontaneous event) asks about unsaved results as
        # File > Quit does; a close the program itself asks for has already asked.
        if event.spontaneous() and not (
            self.ask_about_unsaved(self.quit) and self.ask_about_watch(self.quit)
        ):
            event.ignore()
            return
        if self.session.is_active:
            self.session.cancel()
            self.session.wait(_CANCEL_WAIT_MS)
        if self._watch_page is not None:
            self._watch_page.stop()  # the worker ends within a second or two by itself
        super().closeEvent(event)
