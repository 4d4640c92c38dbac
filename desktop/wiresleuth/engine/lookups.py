"""The findings about the targets' lookups: one ``net.no_connectivity`` or one per name.

When every name failed, the basics (default route, gateway, DNS servers) are checked: a
missing one explains every failure, and the user is not told to check the spelling of
names that are fine.
"""

from __future__ import annotations

from collections.abc import Sequence

from wiresleuth.analysis.connectivity import no_connectivity
from wiresleuth.engine.housekeeping import resolution_failed
from wiresleuth.model.finding import Finding
from wiresleuth.model.observations import ResolveObservation


async def lookup_findings(
    resolutions: Sequence[ResolveObservation], timeout: float
) -> list[Finding]:
    """Findings for the targets' lookups (empty when every name resolved)."""
    failed = [r for r in resolutions if r.error]
    if not failed:
        return []
    if len(failed) == len(resolutions):
        from wiresleuth.probes.connectivity import check_connectivity

        offline = no_connectivity(resolutions, await check_connectivity(timeout))
        if offline is not None:
            return [offline]
    return [resolution_failed(r) for r in failed]
