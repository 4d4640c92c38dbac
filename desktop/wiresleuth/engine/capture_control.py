"""Starting and stopping capture from the engine, off the event loop's thread.

The capture package (its decoder needs numpy) is imported here lazily: start-up of the program
never pays for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from wiresleuth.errors import CaptureUnavailable, WireSleuthError
from wiresleuth.model.packet import PacketRecord
from wiresleuth.model.plan import FlowSpec
from wiresleuth.model.run import CaptureInfo
from wiresleuth.wizards.loading import load

if TYPE_CHECKING:
    from wiresleuth.capture.session import CaptureSession

log = logging.getLogger(__name__)


class CaptureControl:
    """One run's capture: may be unavailable, which the run reports rather than fails on."""

    def __init__(self, *, wanted: bool) -> None:
        self._wanted = wanted
        self._session: CaptureSession | None = None
        self._opening: tuple[CaptureSession, asyncio.Future[None]] | None = None
        self._warming: asyncio.Future[object] | None = None
        self.info = CaptureInfo(available=False, reason="not started")

    def warm(self, then: Callable[[], object] = lambda: None) -> asyncio.Future[object] | None:
        """Load the decoder (numpy, ~0.3 s of this interpreter's time) in the loading thread
        (``wizards.loading``) once capture runs, then ``then``: they load while the probes wait
        on the network,
        instead of after them, where they lengthened every run. (Loaded as the run started,
        the decoder slowed the name lookups that everything waits for, measured: 0.13 -> 0.21
        s in the lab's baseline; two loading threads at once slowed the probes more than one:
        baseline, 11 alternating runs each, median 0.535 -> 0.525 s.) The loading, or None
        without capture."""
        if self._session is not None and self._warming is None:

            def load_both() -> object:
                decoder = _load_decoder()
                then()
                return decoder

            self._warming = asyncio.wrap_future(load(load_both))
        return self._warming

    def open(self) -> None:
        """Open capture (taking nothing yet) in a thread, beside the name lookups its filter
        needs: opening it (the helper process, the kernel's ring) took 0.02-0.05 s of every
        run when it waited for them."""
        if not self._wanted or self._opening is not None:
            return
        from wiresleuth.capture.session import CaptureSession

        session = CaptureSession(None)
        self._opening = session, asyncio.get_running_loop().run_in_executor(None, session.start)

    async def start(self, flows: list[FlowSpec]) -> None:
        """Capture ``flows`` from now on; on failure record why and how to enable it."""
        from wiresleuth.capture.bpf import build_filter
        from wiresleuth.capture.session import how_to_enable

        bpf = build_filter(flows)
        if not self._wanted:
            self.info = CaptureInfo(
                available=False,
                filter=bpf,
                reason="capture was switched off for this run",
                how_to_enable="run again without --no-capture",
            )
            return
        self.open()
        assert self._opening is not None
        session, opened = self._opening
        loop = asyncio.get_running_loop()
        try:
            await opened
            await loop.run_in_executor(None, session.set_filter, bpf)
        except CaptureUnavailable as exc:
            log.warning("capture unavailable: %s", exc)
            self._opening = None
            await loop.run_in_executor(None, session.stop)  # bounded; nothing kept
            self.info = CaptureInfo(
                available=False, filter=bpf, reason=str(exc), how_to_enable=how_to_enable()
            )
            return
        log.info("capture started with filter %s", bpf)
        self._session, self._opening = session, None
        self.info = CaptureInfo(available=True, filter=bpf, interface=_interfaces(session))

    async def closes_answered(self, within: float) -> None:
        """Return once the capture holds the answer to every close of the run's connections,
        or after ``within`` seconds (nothing to wait for without capture); woken by each
        batch of frames the capture keeps."""
        session = self._session
        if session is None:
            return
        deadline = time.monotonic() + within
        if self._warming is not None:
            # first: imported here while the loading thread still loads them, they held the
            # event loop (0.12 s: a stall, for the stall guard)
            await asyncio.gather(self._warming, return_exceptions=True)
        from wiresleuth.capture.fast_decode import AddressBook, decode_batch
        from wiresleuth.capture.fast_records import batch_records
        from wiresleuth.capture.frame_batch import frame_batch
        from wiresleuth.engine.close_answers import CloseAnswers

        closes, seen, book = CloseAnswers(), 0, AddressBook()
        loop, arrived = asyncio.get_running_loop(), asyncio.Event()

        def wake() -> None:
            with contextlib.suppress(RuntimeError):  # the loop closed: nobody waits any more
                loop.call_soon_threadsafe(arrived.set)

        session.on_frames = wake
        try:
            while True:
                arrived.clear()  # before looking: frames kept after the look wake the wait
                frames = session.frames_from(seen)
                if frames:
                    seen += len(frames)
                    batch, _ = frame_batch(frames)
                    closes.feed(batch_records(batch, decode_batch(batch, book), book))
                left = deadline - time.monotonic()
                if closes.waiting == 0 or left <= 0:
                    return
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(arrived.wait(), left)
        finally:
            session.on_frames = None

    async def stop(self) -> list[PacketRecord]:
        """Stop capture and decode what it saw (nothing when unavailable)."""
        if self._session is None:
            if self._opening is not None:  # opened, never given its filter (the run failed)
                session, opened = self._opening
                self._opening = None
                await asyncio.gather(opened, return_exceptions=True)
                await asyncio.get_running_loop().run_in_executor(None, session.stop)
            return []
        session = self._session
        loop = asyncio.get_running_loop()
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
            dropped=session.kernel_drops,
            kept_only=session.max_packets if session.over_limit else None,
            reason=session.problem or None,
        )
        log.info("capture stopped: %d packets", len(records))
        return records

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
    # numpy loads OpenBLAS, which starts a thread per core and sizes their buffers as it
    # loads (0.03-0.15 s more, in pieces that hold the interpreter up to 0.04 s, as long
    # as a probe's answer waits): the decoder never multiplies a matrix. A value the user
    # set is kept.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from wiresleuth.capture import fast_records

    return fast_records


def _interfaces(session: CaptureSession) -> str:
    names = [name for name in session.interfaces if name]
    return "all interfaces" if names in ([], ["any"]) else ", ".join(names)
