"""When each wizard's observations are ready for the wizards that need them.

A wizard's observations are ready when it returns. A wizard may also publish them earlier
(``Progress.publish``), when what it still does is something its dependents never read (the
PAC wizard's path round trip to its server, which the route does not depend on): a wizard
that lists the publisher in ``needs_early`` starts then, and one that lists it in
``uses_early`` gets them then, instead of a round trip or more later.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from typing import Any

from wiresleuth.wizards.base import Wizard


class Readiness:
    """One run's wizards: what each published, and when it became ready."""

    def __init__(self) -> None:
        self._published: dict[str, asyncio.Future[object | None]] = {}
        self._published_at: dict[str, float] = {}
        self._ended_at: dict[str, float] = {}

    def track(self, wizard: str, task: asyncio.Task[Any]) -> None:
        """Follow ``wizard``'s task: its end publishes its observations (None when it failed)
        unless it published them before."""
        self._published[wizard] = asyncio.get_running_loop().create_future()
        task.add_done_callback(lambda done: self._ended(wizard, done))

    def published(self, wizard: str) -> asyncio.Future[object | None]:
        """``wizard``'s observations once published (None when it failed first)."""
        return self._published[wizard]

    def publish(self, wizard: str, observations: object) -> None:
        """``wizard``'s observations as its early dependents will see them (first one wins)."""
        future = self._published.get(wizard)
        if future is not None and not future.done():
            future.set_result(observations)
            self._published_at[wizard] = time.monotonic()

    def _ended(self, wizard: str, task: asyncio.Task[Any]) -> None:
        self._ended_at[wizard] = time.monotonic()
        failed = task.cancelled() or task.exception() is not None
        self.publish(wizard, None if failed else task.result())

    async def needed(
        self, wizard: Wizard, tasks: Mapping[str, asyncio.Task[Any]]
    ) -> tuple[dict[str, object], str | None]:
        """Wait until everything ``wizard`` needs is ready; its observations by wizard (a
        wizard that failed is absent) and the one that became ready last (None: it needs
        none of this run's wizards)."""
        waits: dict[str, asyncio.Future[Any]] = {
            name: self._published[name] if name in wizard.needs_early else tasks[name]
            for name in wizard.needs
            if name in tasks
        }
        if not waits:
            return {}, None
        # asyncio.wait, not gather: cancelling this wizard must not cancel what it waits for.
        await asyncio.wait(waits.values())
        earlier: dict[str, object] = {}
        for name, ready in waits.items():
            if ready.cancelled() or ready.exception() is not None:
                continue
            found = ready.result()
            if found is not None or name not in wizard.needs_early:
                earlier[name] = found
        return earlier, max(waits, key=lambda name: self._ready_time(wizard, name))

    def _ready_time(self, wizard: Wizard, name: str) -> float:
        if name in wizard.needs_early:
            return self._published_at.get(name, 0.0)
        return self._ended_at.get(name, 0.0)
