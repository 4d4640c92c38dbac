"""A read-only tree of JSON data (system.json, observations, PAC evaluations)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from wiresleuth.gui.plain_text import tooltip

_MAX_TEXT = 400
_MAX_CHILDREN = 2000
_MAX_TIP = 4000


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

    def set_data(self, data: Any, *, expand_depth: int = 1) -> None:
        """Show ``data``."""
        self.clear()
        root = self.invisibleRootItem()
        self._add(root, data)
        self.expandToDepth(expand_depth - 1)

    def _add(self, parent: QTreeWidgetItem, value: Any) -> None:
        if isinstance(value, Mapping):
            items = list(value.items())
        elif isinstance(value, list | tuple):
            items = [(_list_label(index, item), item) for index, item in enumerate(value)]
        else:
            parent.addChild(QTreeWidgetItem(["", _scalar(value)]))
            return
        for count, (key, item) in enumerate(items):
            if count == _MAX_CHILDREN:
                parent.addChild(
                    QTreeWidgetItem([self.tr("… {0} more").format(len(items) - count), ""])
                )
                break
            if isinstance(item, Mapping | list | tuple) and item:
                node = QTreeWidgetItem([str(key), ""])
                parent.addChild(node)
                self._add(node, item)
            else:
                node = QTreeWidgetItem(
                    [
                        str(key),
                        _scalar(item if not isinstance(item, Mapping | list | tuple) else ""),
                    ]
                )
                node.setToolTip(1, tooltip(str(item)[:_MAX_TIP]))
                parent.addChild(node)
