"""Capture inside this process through libpcap handles (Windows and macOS).

There the operating system is the gate, not a privileged process of ours: Npcap decides at
install time who may capture (everyone, or administrators only), and macOS lets whoever may
read ``/dev/bpf*`` capture (Wireshark's ChmodBPF gives that to the ``access_bpf`` group). So
the program opens its handles itself, in ``start()`` (a missing right or a bad filter fails
there, in the caller's thread), and reads them in a thread of its own until ``stop()``,
which drains what the kernel still holds and always returns in bounded time. On Linux the
program holds no rights and uses the helper instead (``helper_capture``); this backend still
runs there in the tests, as root.
"""

from __future__ import annotations

import select
import sys
import threading
import time

from wiresleuth.capture.backend import Deliver
from wiresleuth.capture.libpcap import InvalidFilter, LiveHandle, PermissionDenied, list_devices
from wiresleuth.errors import CaptureUnavailable

_BATCH = 512
"""Frames read from one handle before looking at the others (fairness, not a limit)."""
_POLL_SECONDS = 0.05
"""Longest idle wait between reads; bounds how long stop() waits for the thread."""
_DRAIN_SECONDS = 1.0
"""How long stop() keeps reading what arrived before it was called."""
_JOIN_SECONDS = 3.0


def _close_all(handles: list[LiveHandle]) -> None:
    for handle in handles:
        handle.close()


class InProcessCapture:
    """libpcap handles on one interface or on all of them, read by a thread of this process."""

    def __init__(self, bpf_filter: str, iface: str | None = None) -> None:
        self.bpf_filter = bpf_filter
        self.iface = iface
        self._handles: list[LiveHandle] = []
        self._deliver: Deliver | None = None
        self._running = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._stopped = False
        self._error: str | None = None
        self._kernel_drops = 0

    @property
    def devices(self) -> tuple[str, ...]:
        return tuple(handle.device for handle in self._handles)

    @property
    def linktype(self) -> int | None:
        return self._handles[0].linktype if self._handles else None

    @property
    def error(self) -> str | None:
        return self._error

    @property
    def kernel_drops(self) -> int:
        return self._kernel_drops

    def _devices(self) -> list[str]:
        if self.iface is not None:
            return [self.iface]
        if sys.platform.startswith("linux"):
            return ["any"]
        devices = list_devices()
        if not devices:
            raise CaptureUnavailable("no network interface is available for capture")
        return devices

    def _open_handles(self) -> list[LiveHandle]:
        devices = self._devices()
        handles: list[LiveHandle] = []
        first_error: CaptureUnavailable | None = None
        for device in devices:
            try:
                handles.append(LiveHandle.open(device, self.bpf_filter))
            except (PermissionDenied, InvalidFilter):
                _close_all(handles)  # the same answer on every device: say it once
                raise
            except CaptureUnavailable as exc:
                if len(devices) == 1:
                    raise
                first_error = first_error or exc  # one interface of many may be down
        if not handles:
            assert first_error is not None
            raise first_error
        return handles

    def start(self, deliver: Deliver, timeout: float) -> None:
        """Open every handle, then read them in a thread; raise unless that thread runs."""
        self._deliver = deliver
        self._handles = self._open_handles()
        self._thread = threading.Thread(target=self._run, name="wiresleuth-capture", daemon=True)
        self._thread.start()
        if not self._running.wait(timeout) or not self._thread.is_alive():
            self._stopping.set()
            self._thread.join(_JOIN_SECONDS)
            reason = self._error or f"the capture thread did not start within {timeout:g} s"
            self._close_handles()
            raise CaptureUnavailable(f"packet capture did not start: {reason}")

    def _run(self) -> None:
        try:
            self._running.set()
            drain_until: float | None = None
            while True:
                got = self._read_once()
                if self._stopping.is_set():
                    drain_until = drain_until or time.monotonic() + _DRAIN_SECONDS
                    if not got or time.monotonic() > drain_until:
                        break
                elif not got:
                    self._wait_readable()
        except CaptureUnavailable as exc:
            self._error = str(exc)
        except Exception as exc:  # libpcap through ctypes: report, never kill the program
            self._error = f"capture stopped unexpectedly: {type(exc).__name__}: {exc}"

    def _read_once(self) -> bool:
        got = False
        assert self._deliver is not None
        for handle in self._handles:
            frames = handle.read_available(_BATCH)
            if frames:
                got = True
                self._deliver(frames)
        return got

    def _wait_readable(self) -> None:
        fds = [handle.fileno() for handle in self._handles]
        if fds and all(fd >= 0 for fd in fds):
            select.select(fds, [], [], _POLL_SECONDS)
        else:
            self._stopping.wait(_POLL_SECONDS / 5)

    def stop(self) -> None:
        """Stop reading after draining what already arrived; safe to call twice."""
        if self._stopped or self._thread is None:
            self._stopped = True
            return
        self._stopped = True
        self._stopping.set()
        self._thread.join(_DRAIN_SECONDS + _JOIN_SECONDS)
        if self._thread.is_alive():
            self._error = self._error or "the capture thread did not stop in time"
            return  # leave the handles to the daemon thread rather than free them under it
        self._close_handles()

    def _close_handles(self) -> None:
        for handle in self._handles:
            self._kernel_drops += handle.dropped()
            handle.close()
