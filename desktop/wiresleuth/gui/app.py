"""Start the desktop application: QApplication, palette, translations, profile, window.

``run_window`` is what ``wiresleuth`` (with a display) and ``wiresleuth open FILE`` call. With
``screenshot`` it renders the window to a PNG once the window is laid out (and any file given
is loaded) and exits: that is how the documentation's screenshots are made, and how anyone
checks a screen without a display (Qt's offscreen platform is used when there is none). An
exception raised in a Qt slot meanwhile (``gui.slot_errors``) fails the screenshot: no PNG,
one line saying why, exit 3; in the window it is shown in the status bar.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import (
    QCoreApplication,
    QLibraryInfo,
    QLocale,
    QMessageLogContext,
    Qt,
    QThreadPool,
    QTimer,
    QtMsgType,
    QTranslator,
    qInstallMessageHandler,
)
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

import wiresleuth
from wiresleuth.errors import ProfileError
from wiresleuth.gui.qt_main_window import QtMainWindow
from wiresleuth.gui.qt_theme import Theme, apply_theme
from wiresleuth.gui.slot_errors import SlotErrors, describe
from wiresleuth.profile import default_profile
from wiresleuth.profile.locate import LocatedProfile, Origin, find_logo, locate_profile

SCREENSHOT_SETTLE_MS = 300
"""Time given to late layout passes and first paints before the window is grabbed."""
SCREENSHOT_TIMEOUT_MS = 60_000
"""Give up (exit 3) when the window is not ready by then (a file that never loads)."""
SCREENSHOT_SAVED = 0
SCREENSHOT_WITH_ERROR = 2
"""Saved, but the file given could not be opened (the picture shows the error)."""
SCREENSHOT_FAILED = 3
"""Not saved: the file could not be written, the window was not ready, or a slot raised."""
WORKERS_WAIT_MS = 5000
"""How long closing waits for workers still running (a cancelled run returns within 1 s)."""
WARM_UP_WAIT_S = 60.0
"""The warm-up only imports modules, which always ends: at exit it is waited for much longer
than other workers (``QtMainWindow.finish_warm_up``)."""
log = logging.getLogger(__name__)

_HARMLESS = ("This plugin does not support propagateSizeHints()",)
"""Qt warnings that say nothing to a user (the offscreen platform's, for screenshots)."""


def window_profile() -> tuple[LocatedProfile, str | None]:
    """The profile the window uses (beside the program, the user's config folder, built-in:
    ``profile.locate``) and, when the file found is invalid, the error to show."""
    try:
        return locate_profile(None), None
    except ProfileError as exc:
        return LocatedProfile(profile=default_profile(), origin=Origin.BUILT_IN), str(exc)


def install_translators(app: QApplication) -> list[QTranslator]:
    """Qt's own strings and ours in the system language, when translations are installed."""
    installed = []
    locale = QLocale.system()
    qt = QTranslator(app)
    if qt.load(locale, "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        installed.append(qt)
    own = QTranslator(app)
    if own.load(locale, "wiresleuth", "_", str(Path(__file__).parent / "i18n")):
        app.installTranslator(own)
        installed.append(own)
    return installed


def _qt_messages(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    if message in _HARMLESS:
        return
    print(f"Qt: {message}", file=sys.stderr)


def create_application(theme: Theme = Theme.SYSTEM, *, offscreen: bool = False) -> QApplication:
    """The QApplication, set up once: HiDPI, names, palette, translations."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    if offscreen:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    qInstallMessageHandler(_qt_messages)
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    app = QApplication(sys.argv[:1])
    app.setApplicationName("WireSleuth")
    app.setApplicationDisplayName("WireSleuth")
    app.setApplicationVersion(wiresleuth.__version__)
    app.setOrganizationName("WireSleuth")
    app.setDesktopFileName("wiresleuth")
    install_translators(app)
    apply_theme(app, theme)
    return app


def _screenshot_when_ready(
    app: QApplication, window: QtMainWindow, path: Path, errors: SlotErrors
) -> None:
    def grab() -> None:
        app.processEvents()
        if errors.first is not None:  # already reported, exit code set
            return
        saved = window.grab().save(str(path))
        if not saved:
            print(f"wiresleuth: cannot write screenshot {path}", file=sys.stderr)
            app.exit(SCREENSHOT_FAILED)
            return
        if window.last_error:
            print(f"wiresleuth: {window.last_error}", file=sys.stderr)
            app.exit(SCREENSHOT_WITH_ERROR)
            return
        app.exit(SCREENSHOT_SAVED)

    def too_late() -> None:
        print("wiresleuth: the window was not ready in time for the screenshot", file=sys.stderr)
        app.exit(SCREENSHOT_FAILED)

    window.ready.connect(lambda: QTimer.singleShot(SCREENSHOT_SETTLE_MS, grab))
    QTimer.singleShot(SCREENSHOT_TIMEOUT_MS, too_late)


def run_window(
    *,
    open_paths: Sequence[Path] = (),
    screenshot: Path | None = None,
    theme: Theme = Theme.SYSTEM,
    offscreen: bool = False,
    tracebacks: bool = False,
) -> int:
    """Show the window (opening one file, or comparing two) until it is closed; exit code.

    ``tracebacks``: an exception in a Qt slot is printed whole, not only said in one line."""
    app = create_application(theme, offscreen=offscreen)
    located, problem = window_profile()
    window = QtMainWindow(located.profile, logo=find_logo(located))

    def slot_failed(error: BaseException) -> None:
        if screenshot is not None:
            if errors.first is error:  # the first says it; the rest follow from it
                print(
                    f"wiresleuth: the window failed while it was being built ({describe(error)});"
                    " no screenshot written",
                    file=sys.stderr,
                )
                app.exit(SCREENSHOT_FAILED)
            return
        log.error("the window failed: %s", describe(error))
        window.show_error(
            QCoreApplication.translate("QtMainWindow", "The program failed; please report this"),
            describe(error),
        )

    with SlotErrors(slot_failed, tracebacks=tracebacks) as errors:
        if screenshot is not None:
            _screenshot_when_ready(app, window, screenshot, errors)
        window.show()
        if problem:
            window.show_error(
                QCoreApplication.translate("QtMainWindow", "Your profile could not be read"),
                problem,
            )
        if len(open_paths) >= 2:
            window.compare_paths(open_paths[0], open_paths[1])
        elif open_paths:
            window.open_path(open_paths[0])
        code = int(app.exec())
        window.session.cancel()
        window.finish_warm_up(WARM_UP_WAIT_S)
        QThreadPool.globalInstance().waitForDone(WORKERS_WAIT_MS)  # workers report to the window
    return SCREENSHOT_FAILED if screenshot is not None and errors.first is not None else code
