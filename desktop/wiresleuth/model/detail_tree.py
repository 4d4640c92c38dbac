"""A packet's details as a tree of lines, each tied to the bytes it describes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class DetailNode:
    """One line of a packet's details (a layer, a field, an option), with its children."""

    text: str
    """What it says ("Transmission Control Protocol, Src Port: 443", "MSS: 536")."""
    start: int | None = None
    """First byte it describes, as an offset into the frame (None: no bytes of its own)."""
    end: int | None = None
    """One past its last byte."""
    children: tuple[DetailNode, ...] = ()
    """Lines below it."""

    def shifted(self, by: int) -> DetailNode:
        """The same tree with every byte range moved ``by`` bytes (payload -> frame offsets)."""
        return DetailNode(
            text=self.text,
            start=None if self.start is None else self.start + by,
            end=None if self.end is None else self.end + by,
            children=tuple(child.shifted(by) for child in self.children),
        )
