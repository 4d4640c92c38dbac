"""A wizard's progress as the engine would receive it, kept for the test to read."""

from __future__ import annotations

import contextlib

from wiresleuth.wizards.base import Wait


class Steps:
    """Records the steps a wizard reports; socket moments and waits are accepted unseen."""

    def __init__(self) -> None:
        self.steps: list[str] = []
        self.published: list[object] = []

    def step(self, message: str) -> None:
        self.steps.append(message)

    def socket_event(
        self, target: str, kind: str, at: float, detail: str = "", *, lane: str = ""
    ) -> None:
        """Not kept: these tests count steps."""

    def waiting(self, what: str, deadline: float | None) -> contextlib.nullcontext[Wait]:
        """A wait the engine would show; nothing to show here."""
        return contextlib.nullcontext(Wait())

    def publish(self, observations: object) -> None:
        self.published.append(observations)
