"""Help > About > Licences."""

import pytest
from PySide6.QtWidgets import QPlainTextEdit
from pytestqt.qtbot import QtBot

from wiresleuth.gui.qt_about import QtAboutDialog
from wiresleuth.gui.qt_licences import QtLicencesDialog, component_text
from wiresleuth.licences import Component, LicenceText

pytestmark = pytest.mark.qt


def test_about_opens_the_licences(qtbot: QtBot) -> None:
    about = QtAboutDialog()
    qtbot.addWidget(about)
    about.licences_button.click()
    dialog = about.licences
    qtbot.waitUntil(lambda: dialog.components.count() > 0, timeout=10_000)
    names = [dialog.components.item(i).text() for i in range(dialog.components.count())]
    assert names[0].startswith("WireSleuth ") and any(n.startswith("scapy ") for n in names)
    assert "GNU GENERAL PUBLIC LICENSE" in dialog.text.toPlainText()  # the first entry: COPYING
    scapy = next(i for i, n in enumerate(names) if n.startswith("scapy "))
    dialog.components.setCurrentRow(scapy)
    assert (
        dialog.text.toPlainText().startswith("scapy ")
        and "Licence: GPL-2.0-only" in dialog.text.toPlainText()
    )
    assert "GPL-2.0-or-later" in dialog.summary.text()


def test_licence_texts_are_shown_as_plain_text(qtbot: QtBot) -> None:
    dialog = QtLicencesDialog()
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.components.count() > 0, timeout=10_000)
    assert isinstance(dialog.text, QPlainTextEdit) and dialog.text.isReadOnly()
    markup = Component(
        name="m", version="1", licence="MIT", kind="python package",
        texts=(LicenceText(name="LICENSE", text="<h1>Title</h1> &amp; <script>x</script>"),),
    )  # fmt: skip
    dialog.text.setPlainText(component_text(markup))
    assert "<h1>Title</h1> &amp; <script>x</script>" in dialog.text.toPlainText()


def test_a_component_without_text_says_so() -> None:
    bare = Component(name="b", version="1", licence="MIT", kind="python package")
    assert "(no licence text was found for this component)" in component_text(bare)
