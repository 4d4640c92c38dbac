"""The basics checked when no target name resolved (default route, gateway, DNS servers):
a missing one explains every failure, and the user is not told to check the spelling of
names that are fine (``diagnosis.interpretations.engine`` concludes)."""

from __future__ import annotations

from collections.abc import Sequence

from wiresleuth.model.connectivity import ConnectivityObservation
from wiresleuth.model.observations import ResolveObservation


async def connectivity_if_offline(
    resolutions: Sequence[ResolveObservation], timeout: float
) -> ConnectivityObservation | None:
    """The basics, checked only when every lookup failed (else None)."""
    if not resolutions or any(not r.error for r in resolutions):
        return None
    from wiresleuth.probes.connectivity import check_connectivity

    return await check_connectivity(timeout)
