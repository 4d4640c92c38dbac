"""Starting and stopping capture from the engine, off the event loop's thread.

The capture package (scapy) is imported here lazily: start-up of the program never pays for it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from wiresleuth.errors import CaptureUnavailable, WireSleuthError
from wiresleuth.model.packet import PacketRecord
from wiresleuth.model.plan import FlowSpec
from wiresleuth.model.run import CaptureInfo

if TYPE_CHECKING:
    from wiresleuth.capture.session import CaptureSession

log = logging.getLogger(__name__)

_WARM_AFTER = 0.5
"""Seconds after capture starts when the decoder is loaded in the background."""


class CaptureControl:
    """One run's capture: may be unavailable, which the run reports rather than fails on."""

    def __init__(self, flows: list[FlowSpec], *, wanted: bool) -> None:
        self._flows = flows
        self._wanted = wanted
        self._session: CaptureSession | None = None
        self._warming: asyncio.Future[object] | None = None
        self._warm_later: asyncio.TimerHandle | None = None
        self.info = CaptureInfo(available=False, reason="not started")

    async def start(self) -> None:
        """Start capture; on failure record why and how to enable it."""
        from wiresleuth.capture.bpf import build_filter
        from wiresleuth.capture.session import CaptureSession, how_to_enable

        bpf = build_filter(self._flows)
        if not self._wanted:
            self.info = CaptureInfo(
                available=False,
                filter=bpf,
                reason="capture was switched off for this run",
                how_to_enable="run again without --no-capture",
            )
            return
        session = CaptureSession(bpf)
        try:
            await asyncio.get_running_loop().run_in_executor(None, session.start)
        except CaptureUnavailable as exc:
            log.warning("capture unavailable: %s", exc)
            self.info = CaptureInfo(
                available=False, filter=bpf, reason=str(exc), how_to_enable=how_to_enable()
            )
            return
        log.info("capture started with filter %s", bpf)
        self._session = session
        # The decoder (scapy, ~0.3 s to import) is loaded while the probes wait on the network,
        # not after them, where it would lengthen the run; not during the probes' opening
        # burst either, when it would take the interpreter from the capture's reader.
        loop = asyncio.get_running_loop()
        self._warm_later = loop.call_later(_WARM_AFTER, self._warm)
        self.info = CaptureInfo(available=True, filter=bpf, interface=_interfaces(session))

    async def stop(self) -> list[PacketRecord]:
        """Stop capture and decode what it saw (nothing when unavailable)."""
        if self._session is None:
            return []
        session = self._session
        loop = asyncio.get_running_loop()
        if self._warm_later is not None:
            self._warm_later.cancel()
        if self._warming is not None:
            await asyncio.gather(self._warming, return_exceptions=True)
        try:
            await loop.run_in_executor(None, session.stop)
            records = await loop.run_in_executor(None, session.records)
        except WireSleuthError as exc:
            log.error("capture failed while stopping: %s", exc)
            self.info = CaptureInfo(
                available=False, filter=self.info.filter, reason=f"capture failed: {exc}"
            )
            self._session = None
            return []
        if session.problem:
            log.warning("capture incomplete: %s", session.problem)
        self.info = CaptureInfo(
            available=True,
            filter=self.info.filter,
            interface=_interfaces(session),
            packets=len(records),
            reason=session.problem or None,
        )
        log.info("capture stopped: %d packets", len(records))
        return records

    def _warm(self) -> None:
        self._warming = asyncio.get_running_loop().run_in_executor(None, _load_decoder)

    def write(self, path: Path, comments: Mapping[int, str]) -> Path | None:
        """Write the pcapng with comments; None without capture."""
        if self._session is None:
            return None
        from wiresleuth.bundle.redact_capture import redact_capture_file
        from wiresleuth.engine.scratch import private_file

        # Created 0600 first: the pcapng writer truncates it and keeps that mode.
        self._session.write_pcapng(private_file(path), comments)
        # Secrets typed in this run (proxy credentials) must not rest on disk, even in scratch;
        # streamed, as a long capture may be large.
        redact_capture_file(path, private_file)
        return path


def _load_decoder() -> object:
    from wiresleuth.capture.decode import link_layer

    return link_layer(1)


def _interfaces(session: CaptureSession) -> str:
    names = [name for name in session.interfaces if name]
    return "all interfaces" if names in ([], ["any"]) else ", ".join(names)
