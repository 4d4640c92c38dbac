"""Recordings made by hand for the diagnosis tests."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from wiresleuth.diagnosis.recording import Origin, Recording
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
