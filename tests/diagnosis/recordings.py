"""Recordings made by hand for the diagnosis tests."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from wiresleuth.analysis.passive_model import PassiveCapture
from wiresleuth.diagnosis.diagnose import diagnose
from wiresleuth.diagnosis.recording import Origin, Recording
from wiresleuth.model.capture_gap import CaptureGap
from wiresleuth.model.finding import Finding
from wiresleuth.model.packet import PacketRecord
from wiresleuth.model.run import CaptureInfo


def run_of(
    observations: Mapping[str, object],
    packets: Sequence[PacketRecord] = (),
    *,
    captured: bool = True,
) -> Recording:
    """A run's recording: these observations, these packets."""
    return Recording(
        origin=Origin.RUN,
        name="run",
        own_traffic=True,
        wizards=tuple(observations),
        observations=observations,
        capture=CaptureInfo(available=captured, packets=len(packets)),
        packets=tuple(packets),
    )


def foreign(
    conversations: PassiveCapture | None = None,
    packets: Sequence[PacketRecord] = (),
    *,
    gaps: tuple[CaptureGap, ...] = (),
    dropped: int = 0,
    kept_only: int | None = None,
) -> Recording:
    """A capture taken elsewhere: its reader's conversations, or its decoded packets; where
    the capture itself lost frames: ``gaps`` (stretches), ``dropped`` (a count), or all after
    the first ``kept_only``."""
    return Recording(
        origin=Origin.CAPTURE,
        name=conversations.name if conversations is not None else "capture",
        own_traffic=False,
        capture=CaptureInfo(
            available=True, packets=len(packets), dropped=dropped, kept_only=kept_only
        ),
        packets=tuple(packets),
        conversations=conversations,
        gaps=gaps,
    )


def wire_findings(conversations: PassiveCapture) -> tuple[Finding, ...]:
    """What ``diagnose`` concludes from a capture taken elsewhere (every rule that needs no
    observations), most severe first."""
    return diagnose(foreign(conversations)).findings
