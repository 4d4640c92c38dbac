"""The list of checks: one row per wizard with what it does and why, from the registry.

Takes (id, title, description) triples, so a wizard added to ``wizards/registry.py`` shows up
here with no change to the window. Each row can be left out of "Run diagnostics" or walked
through on its own, step by step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QCheckBox, QGridLayout, QPushButton, QWidget

from wiresleuth.gui.plain_text import plain_label


@dataclass(frozen=True, kw_only=True)
class CheckInfo:
    """A check as listed to the user."""

    id: str
    """Wizard ID."""
    title: str
    """Wizard title."""
    description: str
    """One sentence: what it does and why."""
    needs: tuple[str, ...] = ()
    """IDs of the checks it builds on (they run with it)."""
    takes_credentials: bool = False
    """The wizard can log in (to a proxy) with credentials typed for this run (a
    ``credentials`` attribute, as the proxy-path wizard has); its step-by-step walk asks."""


def registered_checks() -> tuple[CheckInfo, ...]:
    """Every wizard of the registry, in its order."""
    from wiresleuth.wizards.registry import all_wizards

    return tuple(
        CheckInfo(
            id=w.id,
            title=w.title,
            description=w.description,
            needs=(*w.needs, *w.uses),
            takes_credentials=hasattr(w, "credentials"),
        )
        for w in all_wizards()
    )


class QtChecksList(QWidget):
    """Checkboxes (all on by default) with a description and a "Step by step…" button each."""

    step_by_step = Signal(str)
    """Wizard ID the user wants to walk through on its own."""
    selection_changed = Signal()

    def __init__(self, checks: Sequence[CheckInfo], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Checks to run"))
        self._boxes: dict[str, QCheckBox] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setColumnStretch(1, 1)
        titles = {check.id: check.title for check in checks}
        for row, check in enumerate(checks):
            box = QCheckBox()
            box.setChecked(True)
            box.setAccessibleName(self.tr("Include: {0}").format(check.title))
            box.toggled.connect(self.selection_changed)
            self._boxes[check.id] = box
            title = plain_label(check.title)
            font = QFont(title.font())
            font.setBold(True)
            title.setFont(font)
            title.setBuddy(box)
            text = check.description
            needed = [titles[n] for n in check.needs if n in titles]
            if needed:
                text += " " + self.tr("Runs together with: {0}.").format(", ".join(needed))
            description = plain_label(text)
            description.setWordWrap(True)
            step = QPushButton(self.tr("Step by step…"))
            step.setAccessibleName(self.tr("Walk through {0} step by step").format(check.title))
            step.clicked.connect(lambda _=False, ident=check.id: self.step_by_step.emit(ident))
            grid.addWidget(box, row * 2, 0)
            grid.addWidget(title, row * 2, 1)
            grid.addWidget(step, row * 2, 2)
            grid.addWidget(description, row * 2 + 1, 1, 1, 2)

    def selected(self) -> list[str]:
        """IDs of the checks ticked, in list order."""
        return [ident for ident, box in self._boxes.items() if box.isChecked()]

    def set_selected(self, ids: Sequence[str]) -> None:
        """Tick exactly ``ids``."""
        for ident, box in self._boxes.items():
            box.setChecked(ident in ids)
