"""A live capture of this program's own flows while a run's probes execute.

The session opens its libpcap handles in ``start()`` (so a missing right or a bad filter
fails there, in the caller's thread, with a plain message) and reads them in a thread of
its own until ``stop()``, which drains what the kernel still holds and always returns in
bounded time.
"""

from __future__ import annotations

import select
import sys
import threading
import time
from collections.abc import Mapping
from pathlib import Path

from wiresleuth.capture.decode import decode_frame
from wiresleuth.capture.libpcap import (
    Frame,
    InvalidFilter,
    LiveHandle,
    PermissionDenied,
    list_devices,
)
from wiresleuth.errors import CaptureUnavailable
from wiresleuth.model.packet import PacketRecord

_BATCH = 512
"""Frames read from one handle before looking at the others (fairness, not a limit)."""
_POLL_SECONDS = 0.05
"""Longest idle wait between reads; bounds how long stop() waits for the thread."""
_DRAIN_SECONDS = 1.0
"""How long stop() keeps reading what arrived before it was called."""
_JOIN_SECONDS = 3.0


def how_to_enable() -> str:
    """How to get the right to capture packets on this operating system, in plain words."""
    if sys.platform.startswith("win"):
        return (
            "Install Npcap (https://npcap.com), the packet capture driver Wireshark also uses, "
            "then start WireSleuth again. If Npcap was installed with 'Restrict Npcap driver's "
            "access to Administrators only', run WireSleuth as administrator."
        )
    if sys.platform == "darwin":
        return (
            "Packet capture needs read access to the /dev/bpf* devices. Install Wireshark's "
            "'ChmodBPF' helper (it gives the access_bpf group that access and adds you to it), "
            "log out and in again, or run WireSleuth with sudo."
        )
    program = Path(sys.executable).resolve()
    frozen = bool(getattr(sys, "frozen", False))
    what = "the installed program" if frozen else "the Python interpreter it runs on"
    return (
        "Packet capture needs the CAP_NET_RAW capability (not promiscuous mode, so nothing "
        "more). The Debian package grants it at install time; otherwise run WireSleuth as root "
        f"(sudo), or grant it to {what}: sudo setcap cap_net_raw=ep {program}"
    )


def _close_all(handles: list[LiveHandle]) -> None:
    for handle in handles:
        handle.close()


class CaptureSession:
    """Captures packets matching a BPF filter on one interface or on all of them."""

    def __init__(
        self, bpf_filter: str, iface: str | None = None, *, max_packets: int = 200_000
    ) -> None:
        self.bpf_filter = bpf_filter
        self.iface = iface
        self.max_packets = max_packets
        self._handles: list[LiveHandle] = []
        self._frames: list[Frame] = []
        self._lock = threading.Lock()
        self._running = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._stopped = False
        self._dropped = 0
        self._kernel_drops = 0
        self._error: str | None = None
        self._records: list[PacketRecord] | None = None

    @property
    def interfaces(self) -> tuple[str, ...]:
        """The devices captured on (``any`` on Linux when capturing everywhere)."""
        return tuple(handle.device for handle in self._handles)

    @property
    def packet_count(self) -> int:
        """Frames captured so far."""
        with self._lock:
            return len(self._frames)

    @property
    def problem(self) -> str | None:
        """Why the capture is incomplete (ended early, packets over the limit), if it is."""
        notes = [self._error] if self._error else []
        if self._kernel_drops:
            notes.append(
                f"the capture missed {self._kernel_drops} packets (its buffer overflowed): "
                "gaps in the capture may be ours, not the network's"
            )
        if self._dropped:
            notes.append(
                f"{self._dropped} packets beyond the limit of {self.max_packets} were not kept"
            )
        return "; ".join(notes) or None

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

    def start(self, timeout: float = 2.0) -> None:
        """Start capturing; raise CaptureUnavailable (saying why) unless capture really runs."""
        if self._thread is not None:
            raise CaptureUnavailable("this capture session was already started")
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
        for handle in self._handles:
            frames = handle.read_available(_BATCH)
            if not frames:
                continue
            got = True
            with self._lock:
                room = max(self.max_packets - len(self._frames), 0)
                self._frames.extend(frames[:room])
                self._dropped += max(len(frames) - room, 0)
        return got

    def _wait_readable(self) -> None:
        fds = [handle.fileno() for handle in self._handles]
        if fds and all(fd >= 0 for fd in fds):
            select.select(fds, [], [], _POLL_SECONDS)
        else:
            self._stopping.wait(_POLL_SECONDS / 5)

    def stop(self) -> None:
        """Stop capturing after draining what already arrived; safe to call twice."""
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

    def frames(self) -> list[Frame]:
        """Captured frames in capture order (merged by time when several devices were used)."""
        with self._lock:
            frames = list(self._frames)
        if len(self._handles) > 1:
            frames.sort(key=lambda frame: frame.time)
        return frames

    def records(self) -> list[PacketRecord]:
        """Decoded IP packets numbered 1..N as in the pcapng file (non-IP frames keep a number)."""
        if self._records is not None and self._stopped:
            return list(self._records)
        records: list[PacketRecord] = []
        for number, frame in enumerate(self.frames(), start=1):
            try:
                record = decode_frame(frame.data, frame.linktype, number=number, time=frame.time)
            except Exception:  # a frame scapy cannot dissect keeps its number, nothing else
                continue
            if record is not None:
                records.append(record)
        if self._stopped:
            self._records = records
        return list(records)

    def write_pcapng(self, path: Path, comments: Mapping[int, str]) -> None:
        """Write the capture as pcapng, with a packet comment on each numbered packet given."""
        frames = self.frames()
        wrong = sorted(n for n in comments if not 1 <= n <= len(frames))
        if wrong:
            raise ValueError(f"no packet numbered {wrong[0]} in a capture of {len(frames)}")
        from scapy.config import conf
        from scapy.utils import PcapNgWriter

        writer = PcapNgWriter(str(path))
        writer.linktype = (
            frames[0].linktype if frames else (self._handles[0].linktype if self._handles else 1)
        )
        with writer:
            for number, frame in enumerate(frames, start=1):
                packet = conf.raw_layer(frame.data)
                packet.time = frame.time
                packet.wirelen = frame.wirelen
                packet.sniffed_on = frame.ifname
                if number in comments:
                    packet.comments = [comments[number].encode("utf-8")]
                writer.linktype = frame.linktype  # the IDB of a new device takes this type
                if not writer.header_present:
                    writer.write_header(packet)
                writer.write_packet(packet)
