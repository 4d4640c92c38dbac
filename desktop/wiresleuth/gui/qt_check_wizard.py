"""One check, step by step (QWizard): what it does and why, its input, the run, its findings.

Works for any wizard of the registry: the input page asks for what every check takes (the
site to test); nothing typed here is stored. The run page drives the same QtRunSession as
the main window, with only this check.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from wiresleuth.errors import BadInput
from wiresleuth.gui.plain_text import plain_label
from wiresleuth.gui.qt_checks_list import CheckInfo
from wiresleuth.gui.qt_findings_view import QtFindingsView
from wiresleuth.gui.qt_run_session import QtRunSession, RunState
from wiresleuth.gui.qt_start_page import parse_site
from wiresleuth.gui.qt_theme import error_style
from wiresleuth.gui.qt_timeline import QtTimeline
from wiresleuth.model.run import RunResult
from wiresleuth.model.target import Target
from wiresleuth.profile.model import Profile

if TYPE_CHECKING:
    from wiresleuth.probes.proxy_auth import ProxyCredentials

StartRun = Callable[[QtRunSession, list[Target], "ProxyCredentials | None"], None]
"""Starts ``session`` with this check, the extra targets and any credentials typed."""


class _IntroPage(QWizardPage):
    def __init__(self, check: CheckInfo, profile: Profile) -> None:
        super().__init__()
        self.setTitle(check.title)
        self.setSubTitle(self.tr("What this check does and why"))
        layout = QVBoxLayout(self)
        text = plain_label(check.description)
        text.setWordWrap(True)
        layout.addWidget(text)
        sites = ", ".join(t.url for t in profile.targets) or self.tr("none")
        targets = plain_label(self.tr("Sites from your profile: {0}").format(sites))
        targets.setWordWrap(True)
        layout.addWidget(targets)


class _InputPage(QWizardPage):
    def __init__(self, site: str) -> None:
        super().__init__()
        self.setTitle(self.tr("Which site?"))
        self.setSubTitle(
            self.tr(
                "Add the site or app address that does not work (optional). Nothing you type here is saved."
            )
        )
        layout = QVBoxLayout(self)
        label = plain_label(self.tr("&Site or app address:"))
        layout.addWidget(label)
        self.site = QLineEdit(site)
        self.site.setAccessibleName(self.tr("Site or app address"))
        self.site.setPlaceholderText("https://portal.example.com/")
        label.setBuddy(self.site)
        layout.addWidget(self.site)
        self.error = plain_label()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(error_style())
        layout.addWidget(self.error)

    def validatePage(self) -> bool:
        try:
            parse_site(self.site.text())
        except BadInput as exc:
            self.error.setText(str(exc))
            return False
        self.error.clear()
        return True


class _CredentialsPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Proxy login (optional)"))
        self.setSubTitle(
            self.tr(
                "If your proxy asks for a login, type it to test the login too. It is used for "
                "this run only: never saved, never written to the results."
            )
        )
        layout = QFormLayout(self)
        self.user = QLineEdit()
        self.user.setAccessibleName(self.tr("Proxy user name"))
        self.user.setPlaceholderText("DOMAIN\\user")
        layout.addRow(self.tr("&User name:"), self.user)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(self.tr("Proxy password"))
        layout.addRow(self.tr("&Password:"), self.password)

    def take(self) -> ProxyCredentials | None:
        """The credentials typed (None when no user name), and the fields emptied."""
        from wiresleuth.probes.proxy_auth import ProxyCredentials

        user, password = self.user.text().strip(), self.password.text()
        self.password.clear()
        return ProxyCredentials(user=user, password=password) if user else None


class _RunPage(QWizardPage):
    def __init__(self, session: QtRunSession, start: Callable[[], None]) -> None:
        super().__init__()
        self._session = session
        self._start = start
        self.setTitle(self.tr("Running"))
        self.setSubTitle(self.tr("The connections appear below as they happen."))
        layout = QVBoxLayout(self)
        self.bar = QProgressBar()
        self.bar.setAccessibleName(self.tr("Progress"))
        self.bar.setRange(0, 0)
        layout.addWidget(self.bar)
        self.message = plain_label()
        layout.addWidget(self.message)
        self.timeline = QtTimeline(sizes=False)
        layout.addWidget(self.timeline, 1)
        self.cancel_button = QPushButton(self.tr("&Stop this check"))
        self.cancel_button.setAccessibleName(self.tr("Stop this check"))
        self.cancel_button.clicked.connect(session.cancel)
        layout.addWidget(self.cancel_button)
        session.progress_changed.connect(self._progress)
        session.message_changed.connect(self.message.setText)
        session.live_changed.connect(self._live)
        session.state_changed.connect(self._state)

    def initializePage(self) -> None:
        self._start()

    def isComplete(self) -> bool:
        return self._session.state in (RunState.FINISHED, RunState.FAILED)

    def _progress(self, done: int, total: int) -> None:
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)

    def _live(self) -> None:
        connections = self._session.live()
        if connections:
            self.timeline.set_connections(connections, min(c.start for c in connections))

    def _state(self, _state: str) -> None:
        self.cancel_button.setEnabled(self._session.state is RunState.RUNNING)
        self.completeChanged.emit()


class _ResultPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("What this check found"))
        layout = QVBoxLayout(self)
        self.findings = QtFindingsView()
        layout.addWidget(self.findings)


class QtCheckWizard(QWizard):
    """Intro, input, run, findings of one check."""

    run_finished = Signal(object)
    """The RunResult of this check's run."""

    def __init__(
        self,
        check: CheckInfo,
        profile: Profile,
        site: str,
        start: StartRun,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("{0} — step by step").format(check.title))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setTitleFormat(Qt.TextFormat.PlainText)
        self.setSubTitleFormat(Qt.TextFormat.PlainText)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.session = QtRunSession(self)
        self.result_value: RunResult | None = None
        self._input = _InputPage(site)
        self._credentials = _CredentialsPage() if check.takes_credentials else None
        last_input = self._credentials or self._input
        last_input.setCommitPage(True)  # once the check ran, there is no going back to rerun it
        self.setButtonText(QWizard.WizardButton.CommitButton, self.tr("&Run this check"))
        self.addPage(_IntroPage(check, profile))
        self.addPage(self._input)
        if self._credentials is not None:
            self.addPage(self._credentials)
        self._run = _RunPage(
            self.session,
            lambda: start(
                self.session,
                self._targets(),
                self._credentials.take() if self._credentials is not None else None,
            ),
        )
        self.addPage(self._run)
        self._results = _ResultPage()
        self.addPage(self._results)
        self.session.finished.connect(self._finished)
        self.resize(760, 560)

    def _targets(self) -> list[Target]:
        target = parse_site(self._input.site.text())
        return [target] if target is not None else []

    def _finished(self, result: object) -> None:
        if isinstance(result, RunResult):
            self.result_value = result
            self._results.findings.set_findings(result.findings)
            self.run_finished.emit(result)

    def reject(self) -> None:
        if self.session.is_active:
            self.session.cancel()
            self.session.wait(3000)
        super().reject()
