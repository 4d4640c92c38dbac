"""Which wizards a run of some checks needs: the chosen ones plus those they build on.

A wizard names the wizards whose observations it needs (``Wizard.needs``, or ``uses`` when
only part of its work waits for them); the engine wants them listed before it. The registry's order already puts them first, so the run keeps it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from wiresleuth.wizards.base import Wizard


def with_needs(ids: Iterable[str], wizards: Sequence[Wizard]) -> list[Wizard]:
    """``wizards`` (in their order) that are in ``ids`` or needed by one that is, transitively.

    KeyError names an ID that no wizard has.
    """
    by_id = {w.id: w for w in wizards}
    wanted: set[str] = set()
    stack = list(ids)
    while stack:
        ident = stack.pop()
        if ident in wanted:
            continue
        wanted.add(ident)
        stack += [*by_id[ident].needs, *by_id[ident].uses]
    return [w for w in wizards if w.id in wanted]
