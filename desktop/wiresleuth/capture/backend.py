"""What a capture session needs from the thing that actually captures.

Two backends: the ``wiresleuth-capture`` helper process on Linux (``helper_capture``), where
the program itself holds no rights, and libpcap handles inside the program on Windows and
macOS (``inprocess``), where the operating system's own gate (Npcap, ``/dev/bpf*``) decides.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, runtime_checkable

from wiresleuth.capture.frame import Frame

Deliver = Callable[[list[Frame]], None]
"""Called from the backend's reader thread with each batch of frames, in capture order."""


class CaptureBackend(Protocol):
    """Opens in ``start`` (failing there, with a plain reason), delivers frames until ``stop``."""

    @property
    def devices(self) -> tuple[str, ...]:
        """The devices captured on (``any`` on Linux when capturing everywhere)."""
        ...

    @property
    def linktype(self) -> int | None:
        """Link type of the first device, None before a successful start."""
        ...

    @property
    def error(self) -> str | None:
        """Why the capture ended early or incomplete, if it did."""
        ...

    @property
    def kernel_drops(self) -> int:
        """Packets the filter matched that the capture had no room for (known after stop)."""
        ...

    def start(self, deliver: Deliver, timeout: float) -> None:
        """Begin; raise CaptureUnavailable (saying why) unless capture really runs."""
        ...

    def stop(self) -> None:
        """Deliver what already arrived, then end; bounded in time; safe to call twice."""
        ...


@runtime_checkable
class FilterLater(Protocol):
    """A backend that can open before its filter is known (the Linux helper: ``-f -``), so
    that opening the capture goes beside the name lookups that filter needs."""

    def set_filter(self, bpf_filter: str, timeout: float) -> None:
        """Keep what ``bpf_filter`` matches from now on (nothing before); raise
        CaptureUnavailable (InvalidFilter for a bad one) saying why it could not."""
        ...
