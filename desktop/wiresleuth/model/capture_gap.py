"""Where a capture is known to miss frames: its own damage, or packets it dropped.

A hole in a TCP stream means loss on the path only when the capture saw everything around
it. A damaged pcapng block or pcap record (skipped by ``capture.record_reader``), or a live
capture whose buffer overflowed (the kernel's drop count), make holes of their own: the
rules about loss read these stretches (``analysis.capture_gaps``) and do not conclude loss
where the capture itself lost frames.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class CaptureGap:
    """Frames the capture lost between two frames it holds whole."""

    after: int
    """The last whole frame before the stretch (0: from the start of the capture)."""
    before: int | None
    """The first whole frame after it (None: to the end of the capture)."""
    dropped: int | None = None
    """Packets the capture itself reported missing (a live capture's kernel drops; its
    frames are not known, so the stretch is the whole capture); None: the file is damaged."""
    limited: bool = False
    """The capture stopped keeping packets after frame ``after`` (its packet limit)."""

    @property
    def words(self) -> str:
        """The stretch in words, for finding texts."""
        if self.dropped is not None:
            return f"the capture itself missed {self.dropped} packets (its buffer overflowed)"
        if self.limited:
            return f"the capture kept only its first {self.after} packets (the program's limit)"
        if self.before is None:
            return f"the capture file is damaged after frame {self.after} to its end"
        if self.after == 0:
            return f"the capture file is damaged before frame {self.before}"
        return f"the capture file is damaged between frames {self.after} and {self.before}"


def merged(gaps: list[CaptureGap]) -> tuple[CaptureGap, ...]:
    """The stretches in order, those that overlap or touch made one."""
    out: list[CaptureGap] = []
    for gap in sorted(gaps, key=lambda g: (g.after, g.before is None, g.before or 0)):
        last = out[-1] if out else None
        if (
            last is not None
            and last.dropped is None
            and gap.dropped is None
            and not (last.limited or gap.limited)
            and (last.before is None or gap.after <= last.before)
        ):
            ends = [last.before, gap.before]
            before = None if None in ends else max(e for e in ends if e is not None)
            out[-1] = CaptureGap(after=last.after, before=before)
        else:
            out.append(gap)
    return tuple(out)
