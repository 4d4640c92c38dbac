"""What an interpretation reads: the material a run, a bundle or a foreign capture recorded."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

from wiresleuth.analysis.passive_model import PassiveCapture
from wiresleuth.model.capture_gap import CaptureGap
from wiresleuth.model.finding import Finding
from wiresleuth.model.packet import PacketRecord
from wiresleuth.model.run import CaptureInfo


class Origin(enum.Enum):
    """Where a recording came from."""

    RUN = "run"
    """A run of this program, still in memory."""
    BUNDLE = "bundle"
    """A saved bundle, read back (of a run, or of a capture analysed earlier)."""
    CAPTURE = "capture"
    """A capture file taken elsewhere (the proxy, a SPAN port, the user's Wireshark)."""


@dataclass(frozen=True, kw_only=True)
class Recording:
    """Observations, packets and capture status: everything findings are concluded from."""

    origin: Origin
    """Where it came from."""
    name: str
    """What it is called in texts: ``run``, the bundle's or the capture file's name."""
    own_traffic: bool
    """True when every connection in it was made by this program's probes (a run, or a
    bundle of one): the wizards' observations then explain their connections, and the rules
    for traffic seen from outside (a refused connection, an unanswered SYN) are not applied,
    since probes provoke those on purpose."""
    wizards: tuple[str, ...] = ()
    """Identifiers of the wizards that ran, in the order they ran."""
    observations: Mapping[str, object] = field(default_factory=dict)
    """Wizard id (and ``engine``) -> its observations, as its own type."""
    capture: CaptureInfo = field(default_factory=lambda: CaptureInfo(available=False))
    """Capture status."""
    packets: tuple[PacketRecord, ...] = ()
    """Decoded packets, numbered as in the capture file (a large capture file: none, its
    reader gives ``conversations`` instead)."""
    conversations: PassiveCapture | None = None
    """TCP conversations, DNS messages and ICMP packets as a capture file's reader made them
    in its one pass; None: made from ``packets``."""
    gaps: tuple[CaptureGap, ...] = ()
    """Where the capture itself lost frames: a damaged file's skipped records, a live
    capture's drops. A hole there is no proof of loss (``analysis.capture_gaps``). The
    conversations a capture file's reader made carry their own (``PassiveCapture.gaps``)."""
    kept: tuple[Finding, ...] = ()
    """Findings the source recorded that nothing in it can conclude again (a bundle written
    before the engine saved its own observations: its lookups and failed checks)."""

    @property
    def all_gaps(self) -> tuple[CaptureGap, ...]:
        """``gaps``; the whole capture when it reported packets it missed (a live
        capture's drops, saved in a bundle as ``capture.dropped``): their frames are not
        known, so every connection may have lost some to the capture; and what followed the
        last packet a capture at its limit kept (``capture.kept_only``)."""
        gaps = self.gaps
        if self.capture.kept_only:
            gaps = (*gaps, CaptureGap(after=self.capture.kept_only, before=None, limited=True))
        if self.capture.dropped:
            gaps = (*gaps, CaptureGap(after=0, before=None, dropped=self.capture.dropped))
        return gaps
