"""Copy a capture file to pcapng, with a comment on every packet a finding cites.

The bundle's capture.pcapng must keep the frame numbers the evidence quotes, so every
record of the input is copied in order (link types and interfaces kept, one interface
description per input interface); Wireshark shows the comments in its packet list. The
copy streams: memory stays at one batch whatever the size of the file.

Timestamps are written in the unit of the input's interface (microseconds or
nanoseconds); for nanosecond inputs they come from the reader's float times, so they may
differ from the original by a fraction of a microsecond.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np

from wiresleuth.capture.pcapng_blocks import (
    interface_description,
    section_header,
    ticks_per_second,
    write_packets,
)
from wiresleuth.capture.record_reader import CaptureReader, Interface
from wiresleuth.errors import CaptureFileError


def copy_as_pcapng(
    source: Path, dest: Path, comments: Mapping[int, str], *, application: str = "WireSleuth"
) -> int:
    """Write ``source`` as pcapng at ``dest``; the number of packets written."""
    written = 0
    try:
        with CaptureReader(source) as reader, dest.open("wb", buffering=1 << 20) as out:
            out.write(section_header(application))
            declared: dict[int, int] = {}  # reader interface -> interface id in the copy
            scale: dict[int, int] = {}  # reader interface -> timestamp units per second
            for batch in reader.batches():
                for iface in np.unique(batch.interfaces).tolist():
                    if iface not in declared:
                        info = reader.interfaces[iface] if iface >= 0 else _damaged()
                        declared[iface] = len(declared)
                        scale[iface] = ticks_per_second(info)
                        out.write(interface_description(info))
                written += write_packets(out, batch, declared, scale, comments)
    except OSError as exc:
        raise CaptureFileError(f"cannot write {dest}: {exc.strerror or exc}") from exc
    return written


def _damaged() -> Interface:
    return Interface(linktype=147, snaplen=262144, resolution=1_000_000, name="damaged records")
