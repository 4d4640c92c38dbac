"""One part of the viewer (a tab), or in its place a sentence saying why it cannot be shown.

A bundle can be damaged, hand-made or from another version: a view model that meets a shape it
cannot read raises ``ShapeError`` with the reason. Filling a part goes through ``fill``, so
that reason replaces the part instead of an empty tab and a traceback in a Qt slot (which Qt
would only print, leaving the rest of the window half filled). An error that is not a
ShapeError is a bug: it is logged with its traceback, and the part says so in the same place.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStackedWidget, QWidget

from wiresleuth.gui.plain_text import plain_label
from wiresleuth.gui.view_problems import ShapeError

log = logging.getLogger(__name__)


class QtPartGuard(QStackedWidget):
    """Shows ``view``, or why it could not be filled."""

    def __init__(self, view: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.addWidget(view)
        self._message = plain_label()
        self._message.setWordWrap(True)
        self._message.setMargin(12)
        self._message.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self._message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.addWidget(self._message)
        self.failure: str | None = None
        """Why the part is not shown (None while it is)."""

    def fill(self, show: Callable[[], None], source: str = "file") -> bool:
        """Run ``show`` (which fills the view); on failure, show why instead. True when shown.

        ``source`` names what the part comes from ("bundle", "capture file") in the sentence.
        """
        try:
            show()
        except ShapeError as exc:
            why = str(exc)
        except Exception as exc:  # a bug must not leave a traceback in a slot and a blank tab
            log.exception("a part of the viewer could not be filled")
            why = self.tr("the program failed reading it ({0}: {1}); please report this").format(
                type(exc).__name__, exc
            )
        else:
            self.failure = None
            self.setCurrentWidget(self.view)
            return True
        self.failure = why
        self._message.setText(
            self.tr("This part of the {0} could not be shown: {1}").format(source, why)
        )
        self.setCurrentWidget(self._message)
        return False

    @property
    def message(self) -> str:
        """The sentence shown in the view's place ("" while the view is shown)."""
        return self._message.text() if self.failure is not None else ""
