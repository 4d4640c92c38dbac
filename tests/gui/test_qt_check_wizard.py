import os
from pathlib import Path

import pytest
import trustme
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from tests.gui.conftest import loopback_profile
from tests.probes.loopback_servers import LoopbackServer, reset_after
from wiresleuth.gui.capture_rights import CaptureRights
from wiresleuth.gui.qt_check_wizard import QtCheckWizard
from wiresleuth.gui.qt_main_window import QtMainWindow

pytestmark = pytest.mark.qt


def test_one_check_step_by_step_runs_only_that_check(
    qtbot: QtBot, home: Path, ca: trustme.CA
) -> None:
    with LoopbackServer(reset_after(0.3)) as bad:
        window = QtMainWindow(
            loopback_profile(),
            capture=os.geteuid() == 0,
            rights=CaptureRights(available=True),
            warm_up=False,
        )
        qtbot.addWidget(window)
        window.show()
        window.step_by_step("tls")
        wizard = window.dialog
        assert isinstance(wizard, QtCheckWizard)
        assert wizard.currentPage().title() == "Secure connection (TLS) handshake"
        wizard.next()
        wizard.currentPage().site.setText("localhost:99999")
        wizard.next()  # refused: not a port
        assert "port must be a number" in wizard.currentPage().error.text()
        wizard.currentPage().site.setText(f"localhost:{bad.port}")
        wizard.next()  # the TLS check logs in to the route's proxy when it needs to
        assert wizard.currentPage().title() == "Proxy login (optional)"
        with qtbot.waitSignal(wizard.run_finished, timeout=20_000):
            wizard.next()  # the commit page: "Run this check"
            assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
        qtbot.waitUntil(
            lambda: wizard.button(QWizard.WizardButton.NextButton).isEnabled(), timeout=2000
        )
        wizard.next()
        shown = wizard.currentPage().findings.findings()
        assert shown[0].id == "tls.reset_after_client_hello"
        # the TLS check tests the route the applications take: the PAC and route checks it
        # needs run before it
        assert wizard.result_value is not None
        assert wizard.result_value.wizards == ("pac", "route", "tls")
        assert window.result is wizard.result_value  # the main window can save it
        wizard.accept()


def test_a_check_that_logs_in_asks_for_credentials_and_keeps_them_nowhere(
    qtbot: QtBot, home: Path, ca: trustme.CA, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wiresleuth.gui.qt_checks_list import registered_checks

    takers = [c for c in registered_checks() if c.takes_credentials]
    if not takers:
        pytest.skip("no registered check takes credentials")
    window = QtMainWindow(
        loopback_profile(), capture=False, rights=CaptureRights(available=True), warm_up=False
    )
    qtbot.addWidget(window)
    window.show()
    window.step_by_step(takers[0].id)
    wizard = window.dialog
    assert isinstance(wizard, QtCheckWizard)
    given: list[object] = []
    original = wizard.session.start

    def spy(profile: object, wizards: list[object], **options: object) -> None:
        given.extend(w.credentials for w in wizards if hasattr(w, "credentials"))  # type: ignore[attr-defined]
        original(profile, wizards, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(wizard.session, "start", spy)
    wizard.next()
    wizard.next()  # the site page: nothing typed
    page = wizard.currentPage()
    assert page.title() == "Proxy login (optional)"
    page.user.setText("CORP\\alice")
    page.password.setText("s3cret")
    with qtbot.waitSignal(wizard.run_finished, timeout=30_000):
        wizard.next()
    assert page.password.text() == ""  # not kept in the window
    (credentials,) = given
    assert credentials is not None and credentials.user == "CORP\\alice"  # type: ignore[attr-defined]
    assert "s3cret" not in repr(credentials)
    result = wizard.result_value
    assert result is not None and "s3cret" not in repr(result)
    wizard.accept()
