"""A read-only tree of JSON data (system.json, observations, PAC evaluations).

The data comes from a bundle, so its size and depth are whatever the bundle says: long lists
are cut per level, the whole tree stops at ``MAX_ITEMS`` rows and ``MAX_DEPTH`` levels, each
with a row that says what was left out, so a huge or deeply nested measurement neither
freezes the window nor exhausts the stack.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from wiresleuth.gui.plain_text import tooltip

_MAX_TEXT = 400
_MAX_CHILDREN = 2000
_MAX_TIP = 4000
MAX_ITEMS = 50_000
"""Rows in one tree at most."""
MAX_DEPTH = 64
"""Levels shown at most."""


def _scalar(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 1] + "…"


_NAME_KEYS = ("name", "target", "address", "destination", "id")


def _list_label(index: int, item: Any) -> str:
    """``[0]``, or ``[0] eth0`` when the item names itself."""
    if isinstance(item, Mapping):
        for key in _NAME_KEYS:
            if isinstance(item.get(key), str | int) and item.get(key) != "":
                return f"[{index}] {item[key]}"
    return f"[{index}]"


class QtJsonTree(QTreeWidget):
    """Keys and values, nested as in the JSON; long lists are cut with a note."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setColumnCount(2)
        self.setHeaderLabels([self.tr("Item"), self.tr("Value")])
        self.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.setAccessibleName(name)
        self.setAlternatingRowColors(True)
        self._budget = MAX_ITEMS

    def set_data(self, data: Any, *, expand_depth: int = 1) -> None:
        """Show ``data``."""
        self.clear()
        self._budget = MAX_ITEMS
        root = self.invisibleRootItem()
        self._add(root, data, 0)
        self.expandToDepth(expand_depth - 1)

    def _add(self, parent: QTreeWidgetItem, value: Any, depth: int) -> None:
        if depth >= MAX_DEPTH:
            parent.addChild(
                QTreeWidgetItem([self.tr("… nested more than {0} levels deep").format(MAX_DEPTH)])
            )
            return
        if isinstance(value, Mapping):
            items = list(value.items())
        elif isinstance(value, list | tuple):
            items = [(_list_label(index, item), item) for index, item in enumerate(value)]
        else:
            parent.addChild(QTreeWidgetItem(["", _scalar(value)]))
            return
        for count, (key, item) in enumerate(items):
            if count == _MAX_CHILDREN or self._budget <= 0:
                parent.addChild(
                    QTreeWidgetItem([self.tr("… {0} more").format(len(items) - count), ""])
                )
                break
            self._budget -= 1
            if isinstance(item, Mapping | list | tuple) and item:
                node = QTreeWidgetItem([str(key), ""])
                parent.addChild(node)
                self._add(node, item, depth + 1)
            else:
                node = QTreeWidgetItem(
                    [
                        str(key),
                        _scalar(item if not isinstance(item, Mapping | list | tuple) else ""),
                    ]
                )
                node.setToolTip(1, tooltip(str(item)[:_MAX_TIP]))
                parent.addChild(node)
