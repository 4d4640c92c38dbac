"""One cause for many failures: no network at all, instead of a lookup failure per site.

Pure: the targets' lookups and the basics check in, findings out. Called by the engine
(and, after issue 12, by the diagnosis package) with what it observed.
"""

from __future__ import annotations

from collections.abc import Sequence

from wiresleuth.model.connectivity import ConnectivityObservation
from wiresleuth.model.finding import Evidence, Finding, Severity
from wiresleuth.model.observations import ResolveObservation


def missing_basics(check: ConnectivityObservation) -> list[str]:
    """What is missing, in words; empty when the basics are there."""
    missing: list[str] = []
    if check.default_route is False:
        missing.append("there is no default route (no way out of this computer's own network)")
    if check.resolvers and not any(r.answered for r in check.resolvers):
        names = ", ".join(r.server for r in check.resolvers)
        missing.append(f"no DNS server answers ({names})")
    elif not check.resolvers and "no DNS server is configured" in check.errors:
        missing.append("no DNS server is configured")
    if check.gateway is not None and check.gateway_answers is False:
        missing.append(f"the gateway {check.gateway} does not answer")
    return missing


def no_connectivity(
    resolutions: Sequence[ResolveObservation], check: ConnectivityObservation
) -> Finding | None:
    """``net.no_connectivity`` when every lookup failed and a basic is missing; else None."""
    failed = [r for r in resolutions if r.error]
    if not failed or len(failed) != len(resolutions):
        return None
    missing = missing_basics(check)
    if not missing:
        return None
    evidence = [
        Evidence(
            text="default route: "
            + (
                "none"
                if check.default_route is False
                else "unknown"
                if check.default_route is None
                else f"via {check.gateway} on {check.interface}"
            ),
            addresses=(check.gateway,) if check.gateway else (),
        ),
        *(
            Evidence(
                text=f"DNS server {r.server}: {'answered' if r.answered else r.outcome}"
                + (f" ({r.error})" if r.error and not r.answered else ""),
                addresses=(r.server,),
            )
            for r in check.resolvers
        ),
        *(
            Evidence(
                text=f"{r.host}: lookup failed after {r.elapsed * 1000:.0f} ms: {r.error}",
                timings={"elapsed": r.elapsed},
            )
            for r in failed
        ),
    ]
    if check.gateway is not None and check.gateway_answers is not None:
        evidence.insert(
            1,
            Evidence(
                text=f"gateway {check.gateway}: "
                + ("answers" if check.gateway_answers else "silent"),
                addresses=(check.gateway,),
            ),
        )
    what = "; ".join(missing)
    return Finding(
        id="net.no_connectivity",
        severity=Severity.PROBLEM,
        wizard="engine",
        title="This computer has no network connection",
        user_text=(
            f"This computer is not connected to a working network: {what}. No site can be "
            "reached until that is fixed, so nothing else could be tested. Check the cable, "
            "Wi-Fi or VPN, then run the diagnostics again."
        ),
        engineer_text=(
            f"Every target's lookup failed ({len(failed)}): {what}. Routing table default "
            f"route: {check.default_route}; gateway {check.gateway or 'none'} answers ICMP: "
            f"{check.gateway_answers}; resolvers: "
            + (
                ", ".join(f"{r.server} {r.outcome}" for r in check.resolvers)
                or "none configured"
            )
            + (f". Could not read: {'; '.join(check.errors)}" if check.errors else "")
            + ". The per-target lookup failures follow from this and are its evidence."
        ),
        evidence=tuple(evidence),
        values={
            "missing": missing,
            "default_route": check.default_route,
            "gateway": check.gateway,
            "gateway_answers": check.gateway_answers,
            "resolvers": [r.server for r in check.resolvers],
            "resolvers_answering": [r.server for r in check.resolvers if r.answered],
            "targets": [r.host for r in failed],
        },
    )
