"""Live capture handles on libpcap, through the ctypes binding that scapy ships.

Used in the program's own process on Windows and macOS, where the operating system is the
capture gate (Npcap's install options, read access to ``/dev/bpf*``), and on every platform
to compile filters without a device (``check_filter``). On Linux live capture runs in the
``wiresleuth-capture`` helper instead (``helper_capture``): the program holds no rights.

We talk to libpcap directly (not through scapy's sniffers) for three reasons: errors
(no rights, bad filter, no such device) surface synchronously when the handle is opened,
immediate mode delivers every packet without a buffering delay, and the ``any`` device
sees each loopback packet once (scapy's native Linux socket sees it twice).
"""

from __future__ import annotations

import ctypes
from types import ModuleType
from typing import Any

from wiresleuth.capture.frame import Frame
from wiresleuth.errors import CaptureUnavailable

SNAPLEN = 262144
"""Keep whole packets: TLS parsing needs the payloads (262144 is tcpdump's default)."""

BUFFER_BYTES = 8 * 1024 * 1024
"""Kernel ring size: large enough that a burst of a few thousand packets is not dropped."""

_ERRBUF_SIZE = 256
_PCAP_ERROR_PERM_DENIED = -8
_PCAP_ERROR_PROMISC_PERM_DENIED = -11
_PCAP_ERROR_NO_SUCH_DEVICE = -5
_PCAP_ERROR_IFACE_NOT_UP = -9


class PermissionDenied(CaptureUnavailable):
    """libpcap refused to open a device for lack of rights (the user can fix this)."""


class InvalidFilter(CaptureUnavailable):
    """The BPF filter does not compile (a bug of ours, never the user's network)."""


def load() -> ModuleType:
    """scapy's ctypes binding of libpcap (Npcap's wpcap.dll on Windows)."""
    try:
        from scapy.libs import winpcapy
    except (OSError, ImportError) as exc:
        raise CaptureUnavailable(
            f"the packet capture library (libpcap, or Npcap on Windows) is not installed: {exc}"
        ) from exc
    return winpcapy


def _text(raw: bytes | None) -> str:
    return (raw or b"").decode("utf-8", "replace").strip()


def check_filter(expression: str, linktype: int) -> None:
    """Compile a BPF filter for a link type without opening a device; raise when invalid.

    ``linktype`` is a DLT value; LINKTYPE_RAW (101, as in files) is taken as DLT_RAW.
    """
    lib = load()
    handle = lib.pcap_open_dead(12 if linktype == 101 else linktype, SNAPLEN)
    if not handle:
        raise CaptureUnavailable(f"libpcap cannot compile filters for link type {linktype}")
    program = lib.bpf_program()
    try:
        if lib.pcap_compile(handle, ctypes.byref(program), expression.encode(), 1, -1) < 0:
            error = _text(lib.pcap_geterr(handle))
            raise InvalidFilter(f"the capture filter is not valid ({error}): {expression}")
        lib.pcap_freecode(ctypes.byref(program))
    finally:
        lib.pcap_close(handle)


def list_devices() -> list[str]:
    """Names of the devices libpcap can capture on that are up (used where there is no 'any')."""
    lib = load()
    errbuf = ctypes.create_string_buffer(_ERRBUF_SIZE)
    devs = ctypes.POINTER(lib.pcap_if_t)()
    if lib.pcap_findalldevs(ctypes.byref(devs), errbuf) < 0:
        raise CaptureUnavailable(f"cannot list capture devices: {_text(errbuf.value)}")
    names: list[str] = []
    try:
        node = devs
        while node:
            if node.contents.flags & 0x2:  # PCAP_IF_UP
                names.append(_text(node.contents.name))
            node = node.contents.next
    finally:
        if devs:
            lib.pcap_freealldevs(devs)
    return names


class LiveHandle:
    """One activated, filtered, non-blocking capture handle on a device."""

    def __init__(self, lib: ModuleType, handle: Any, device: str) -> None:
        self._lib = lib
        self._handle = handle
        self.device = device
        self.linktype: int = int(lib.pcap_datalink(handle))
        self._header = ctypes.POINTER(lib.pcap_pkthdr)()
        self._data = ctypes.POINTER(ctypes.c_ubyte)()

    @classmethod
    def open(cls, device: str, bpf_filter: str) -> LiveHandle:
        """Create, activate and filter a handle; CaptureUnavailable says what went wrong."""
        lib = load()
        errbuf = ctypes.create_string_buffer(_ERRBUF_SIZE)
        handle = lib.pcap_create(device.encode(), errbuf)
        if not handle:
            raise CaptureUnavailable(f"cannot open capture device {device}: {_text(errbuf.value)}")
        try:
            lib.pcap_set_snaplen(handle, SNAPLEN)
            lib.pcap_set_promisc(handle, 0)
            lib.pcap_set_timeout(handle, 50)
            lib.pcap_set_buffer_size(handle, BUFFER_BYTES)
            immediate = getattr(lib._lib, "pcap_set_immediate_mode", None)
            if immediate is not None:
                immediate(handle, 1)
            status = int(lib.pcap_activate(handle))
            if status < 0:
                raise _activation_error(lib, handle, device, status)
            live = cls(lib, handle, device)
            live._set_filter(bpf_filter)
            if lib.pcap_setnonblock(handle, 1, errbuf) < 0:
                raise CaptureUnavailable(
                    f"cannot make capture on {device} non-blocking: {_text(errbuf.value)}"
                )
        except BaseException:
            lib.pcap_close(handle)
            raise
        return live

    def _set_filter(self, expression: str) -> None:
        lib, program = self._lib, self._lib.bpf_program()
        if lib.pcap_compile(self._handle, ctypes.byref(program), expression.encode(), 1, -1) < 0:
            error = _text(self._lib.pcap_geterr(self._handle))
            raise InvalidFilter(f"the capture filter is not valid ({error}): {expression}")
        try:
            if self._lib.pcap_setfilter(self._handle, ctypes.byref(program)) < 0:
                error = _text(self._lib.pcap_geterr(self._handle))
                raise InvalidFilter(f"the capture filter could not be installed: {error}")
        finally:
            self._lib.pcap_freecode(ctypes.byref(program))

    def fileno(self) -> int:
        """A descriptor to select() on, or -1 where libpcap has none (Windows)."""
        getter = getattr(self._lib, "pcap_get_selectable_fd", None)
        return int(getter(self._handle)) if getter is not None else -1

    def read_available(self, limit: int) -> list[Frame]:
        """Every frame waiting in the buffer, at most ``limit``; never blocks."""
        frames: list[Frame] = []
        while len(frames) < limit:
            status = self._lib.pcap_next_ex(
                self._handle, ctypes.byref(self._header), ctypes.byref(self._data)
            )
            if status == 0:
                break
            if status < 0:
                error = _text(self._lib.pcap_geterr(self._handle))
                raise CaptureUnavailable(f"capture on {self.device} stopped: {error}")
            header = self._header.contents
            caplen = int(header.caplen)
            frames.append(
                Frame(
                    data=ctypes.string_at(self._data, caplen),
                    time=float(header.ts.tv_sec) + float(header.ts.tv_usec) / 1e6,
                    linktype=self.linktype,
                    wirelen=int(header.len),
                    ifname=self.device,
                )
            )
        return frames

    def dropped(self) -> int:
        """Packets that matched the filter but were lost by the capture (buffer full).

        Loss here is ours, not the network's: analysis must not read it as path loss.
        (Interface drops are left out: they count everyone's traffic, not ours.)
        """
        if self._handle is None:
            return 0
        stats = self._lib.pcap_stat()
        if self._lib.pcap_stats(self._handle, ctypes.byref(stats)) < 0:
            return 0
        return int(stats.ps_drop)

    def close(self) -> None:
        """Release the handle (idempotent)."""
        if self._handle is not None:
            self._lib.pcap_close(self._handle)
            self._handle = None


def _activation_error(lib: ModuleType, handle: Any, device: str, status: int) -> CaptureUnavailable:
    detail = _text(lib.pcap_geterr(handle)) or _text(lib.pcap_statustostr(status))
    if status in (_PCAP_ERROR_PERM_DENIED, _PCAP_ERROR_PROMISC_PERM_DENIED):
        return PermissionDenied(
            "capturing packets needs rights this program does not have "
            f"(no permission to capture on {device}: {detail})"
        )
    if status == _PCAP_ERROR_NO_SUCH_DEVICE:
        return CaptureUnavailable(f"there is no network device named {device} ({detail})")
    if status == _PCAP_ERROR_IFACE_NOT_UP:
        return CaptureUnavailable(f"network device {device} is down ({detail})")
    return CaptureUnavailable(f"cannot start capture on {device} ({detail})")
