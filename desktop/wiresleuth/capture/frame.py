"""One captured frame, as a capture backend hands it over (raw bytes, decoded later)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class Frame:
    """One captured link-layer frame, kept as raw bytes until someone decodes it."""

    data: bytes
    """The captured bytes (at most the snap length)."""
    time: float
    """Capture timestamp, epoch seconds."""
    linktype: int
    """Link type of the device that captured it (LINKTYPE value as in capture files;
    the in-process backend gives libpcap's DLT, which is the same for the types we decode)."""
    wirelen: int
    """Length on the wire (may exceed ``len(data)``)."""
    ifname: str
    """The capture device name (``any`` on Linux when capturing everywhere)."""
