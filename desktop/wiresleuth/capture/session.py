"""A live capture of this program's own flows while a run's probes execute.

The session owns what was captured (frames, limits, numbering, the pcapng file); a backend
does the capturing. On Linux that is the ``wiresleuth-capture`` helper process, the only
thing that holds the right to capture (the program itself never does, and never needs to
run as root); on Windows and macOS it is libpcap inside this process, where Npcap or the
``/dev/bpf*`` permissions are the operating system's gate. Either way ``start()`` fails in
the caller's thread with a plain reason, and ``stop()`` returns in bounded time after
taking what had already arrived.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Mapping
from pathlib import Path

from wiresleuth.capture.backend import CaptureBackend, FilterLater
from wiresleuth.capture.frame import Frame
from wiresleuth.capture.helper_path import GROUP, OPT_OUT, HelperFacts, helper_facts
from wiresleuth.errors import CaptureUnavailable
from wiresleuth.model.packet import PacketRecord


def how_to_enable() -> str:
    """How to get the right to capture packets on this operating system, in plain words."""
    if sys.platform.startswith("win"):
        return (
            "Install Npcap (https://npcap.com), the packet capture driver Wireshark also uses, "
            "then start WireSleuth again. If Npcap was installed for administrators only "
            "('Restrict Npcap driver's access to Administrators only'), ask your administrator "
            "to reinstall it without that option. WireSleuth itself never needs to run as "
            "administrator."
        )
    if sys.platform == "darwin":
        return (
            "Packet capture needs read access to the /dev/bpf* devices. Install Wireshark's "
            "'ChmodBPF' helper (it gives the access_bpf group that access) and ask your "
            "administrator to add you to the access_bpf group, then log out and in again. "
            "WireSleuth itself never needs to run with sudo."
        )
    return linux_advice(helper_facts(), opted_out=OPT_OUT.exists())


def linux_advice(facts: HelperFacts, *, opted_out: bool) -> str:
    """The Linux route in words: the capture helper, its group, and who can change that."""
    never_root = "WireSleuth itself never needs to run as root."
    if opted_out:
        return (
            f"Your administrator has switched packet capture off on this computer ({OPT_OUT}). "
            "The checks still run without it. " + never_root
        )
    if facts.path is None:
        return (
            "The capture helper (wiresleuth-capture) is not installed. Reinstall the WireSleuth "
            "package; in a source checkout, run scripts/setup (it builds the helper; it needs "
            "gcc and libpcap-dev), then sudo scripts/grant-capture. " + never_root
        )
    if facts.listed_in_group and not facts.executable:
        return (
            f"You are in the '{GROUP}' group, but this session started before you were added: "
            "log out and in again. " + never_root
        )
    helper = f"Packets are captured by a small helper program, {facts.path}"
    if not facts.packaged:
        return (
            f"{helper}, which must be set up once in a source checkout: run sudo "
            "scripts/grant-capture in the WireSleuth folder (it gives the helper its one right, "
            f"lets the '{GROUP}' group start it and adds you), then log out and in again. "
            + never_root
        )
    if facts.executable and not facts.capture_right:
        return (
            f"{helper}, which has lost its capture right: ask your administrator to run sudo "
            "dpkg-reconfigure wiresleuth, which grants it again. " + never_root
        )
    return (
        f"{helper}, which only root and members of the '{GROUP}' group may start. Ask your "
        f"administrator to add you (sudo gpasswd -a {facts.user or 'USER'} {GROUP}), then log "
        "out and in again. " + never_root
    )


def _backend(
    bpf_filter: str | None, iface: str | None, max_seconds: int | None
) -> CaptureBackend:
    """The helper process on Linux, libpcap in this process elsewhere (which takes its
    filter as it opens: ``bpf_filter`` None only on Linux)."""
    if sys.platform.startswith("linux"):
        from wiresleuth.capture.helper_capture import DEFAULT_MAX_SECONDS, HelperCapture
        from wiresleuth.capture.helper_path import candidates, find_helper

        helper = find_helper()
        if helper is None:
            looked = ", ".join(str(path) for path in candidates())
            raise CaptureUnavailable(
                f"the capture helper wiresleuth-capture is not installed (looked for {looked})"
            )
        return HelperCapture(
            helper, bpf_filter, iface, max_seconds=max_seconds or DEFAULT_MAX_SECONDS
        )
    from wiresleuth.capture.inprocess import InProcessCapture

    if bpf_filter is None:
        raise ValueError("libpcap in this process takes its filter as it opens")
    return InProcessCapture(bpf_filter, iface)


class CaptureSession:
    """Captures packets matching a BPF filter on one interface or on all of them.

    A session made without a filter opens in ``start`` taking nothing, and keeps what the
    filter given to ``set_filter`` matches from then on: capture opens while the addresses the
    filter names are still being looked up. (Where the backend takes its filter as it opens,
    libpcap in this process, it opens in ``set_filter``.)
    """

    def __init__(
        self,
        bpf_filter: str | None,
        iface: str | None = None,
        *,
        max_packets: int = 200_000,
        max_seconds: int | None = None,
        backend: CaptureBackend | None = None,
    ) -> None:
        self.bpf_filter = bpf_filter
        self.iface = iface
        self.max_packets = max_packets
        self.max_seconds = max_seconds
        self._given_backend = backend
        self._backend: CaptureBackend | None = None
        self._frames: list[Frame] = []
        self._lock = threading.Lock()
        self._started = False
        self._stopped = False
        self._dropped = 0
        self._records: list[PacketRecord] | None = None
        self._open_later: float | None = None
        """The start's timeout, when the backend opens in ``set_filter``."""
        self.on_frames: Callable[[], None] | None = None
        """Called from the reader's thread after frames were kept (to wake a waiter)."""

    @property
    def interfaces(self) -> tuple[str, ...]:
        """The devices captured on (``any`` on Linux when capturing everywhere)."""
        return self._backend.devices if self._backend is not None else ()

    @property
    def packet_count(self) -> int:
        """Frames captured so far."""
        with self._lock:
            return len(self._frames)

    @property
    def kernel_drops(self) -> int:
        """Packets that matched the filter but the capture lost (its buffer overflowed)."""
        return self._backend.kernel_drops if self._backend is not None else 0

    @property
    def over_limit(self) -> int:
        """Packets captured past ``max_packets`` and not kept."""
        with self._lock:
            return self._dropped

    @property
    def problem(self) -> str | None:
        """Why the capture is incomplete (ended early, packets over the limit), if it is."""
        backend = self._backend
        notes = [backend.error] if backend is not None and backend.error else []
        drops = self.kernel_drops
        if drops:
            notes.append(
                f"the capture missed {drops} packets (its buffer overflowed): "
                "gaps in the capture may be ours, not the network's"
            )
        if self._dropped:
            notes.append(
                f"{self._dropped} packets beyond the limit of {self.max_packets} were not kept"
            )
        return "; ".join(notes) or None

    def _keep(self, frames: list[Frame]) -> None:
        with self._lock:
            room = max(self.max_packets - len(self._frames), 0)
            self._frames.extend(frames[:room])
            self._dropped += max(len(frames) - room, 0)
        arrived = self.on_frames
        if arrived is not None:
            arrived()

    def start(self, timeout: float = 2.0) -> None:
        """Start capturing; raise CaptureUnavailable (saying why) unless capture really runs."""
        if self._started:
            raise CaptureUnavailable("this capture session was already started")
        self._started = True
        backend = self._given_backend
        if backend is None and (self.bpf_filter is not None or sys.platform.startswith("linux")):
            backend = _backend(self.bpf_filter, self.iface, self.max_seconds)
        if self.bpf_filter is None and not isinstance(backend, FilterLater):
            if backend is not None:
                raise ValueError("this capture backend needs its filter as it opens")
            self._open_later = timeout
            return
        assert backend is not None
        backend.start(self._keep, timeout)
        self._backend = backend

    def set_filter(self, bpf_filter: str, timeout: float = 2.0) -> None:
        """The filter of a session started without one; raise CaptureUnavailable (saying why)
        unless capture now keeps what it matches."""
        if self.bpf_filter is not None or not self._started or self._stopped:
            raise ValueError("set_filter is for a running session started without a filter")
        self.bpf_filter = bpf_filter
        if self._open_later is not None:
            backend = _backend(bpf_filter, self.iface, self.max_seconds)
            backend.start(self._keep, self._open_later)
            self._backend, self._open_later = backend, None
            return
        assert isinstance(self._backend, FilterLater)
        self._backend.set_filter(bpf_filter, timeout)

    def stop(self) -> None:
        """Stop capturing after taking what already arrived; safe to call twice."""
        if self._stopped or self._backend is None:
            self._stopped = True
            return
        self._stopped = True
        self._backend.stop()

    def frames(self) -> list[Frame]:
        """Captured frames in capture order (merged by time when several devices were used)."""
        with self._lock:
            frames = list(self._frames)
        if len(self.interfaces) > 1:
            frames.sort(key=lambda frame: frame.time)
        return frames

    def frames_from(self, start: int) -> list[Frame]:
        """Frames captured so far from index ``start`` on, in arrival order (for watching a
        capture while it runs without decoding it whole each time)."""
        with self._lock:
            return self._frames[start:]

    def records(self) -> list[PacketRecord]:
        """Decoded IP packets numbered 1..N as in the pcapng file (non-IP frames keep a number).

        Decoded by the reader capture files go through (``fast_decode``): a live run and the
        saved bundle read each packet the same way.
        """
        if self._records is not None and self._stopped:
            return list(self._records)
        from wiresleuth.capture.fast_decode import AddressBook, decode_batch
        from wiresleuth.capture.fast_records import batch_records
        from wiresleuth.capture.frame_batch import frame_batch

        batch, _interfaces = frame_batch(self.frames())
        book = AddressBook()
        records = batch_records(batch, decode_batch(batch, book), book) if len(batch) else []
        if self._stopped:
            self._records = records
        return list(records)

    def write_pcapng(self, path: Path, comments: Mapping[int, str]) -> None:
        """Write the capture as pcapng, with a packet comment on each numbered packet given."""
        from wiresleuth.capture.frame_batch import frame_batch
        from wiresleuth.capture.pcapng_blocks import write_pcapng

        frames = self.frames()
        wrong = sorted(n for n in comments if not 1 <= n <= len(frames))
        if wrong:
            raise ValueError(f"no packet numbered {wrong[0]} in a capture of {len(frames)}")
        batch, interfaces = frame_batch(frames)
        with path.open("wb") as out:
            write_pcapng(out, batch, interfaces, comments)
