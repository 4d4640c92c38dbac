"""Findings and material the engine itself produces, apart from any wizard."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from wiresleuth.model.finding import Evidence, Finding, Severity
from wiresleuth.model.observations import ResolveObservation


def probe_failed(wizard: str, title: str, why: str) -> Finding:
    """A probe or wizard that failed becomes a finding about it, never a lost run."""
    return Finding(
        id="probe.failed",
        severity=Severity.WARNING,
        wizard=wizard,
        title=f"The check “{title}” could not complete",
        user_text=f"One of the checks ({title}) could not finish; the other results are complete.",
        engineer_text=f"Wizard {wizard} failed: {why}. See log.txt in the bundle.",
        evidence=(Evidence(text=why),),
        values={"wizard": wizard, "error": why},
    )


def resolution_failed(obs: ResolveObservation) -> Finding:
    """A target whose name does not resolve cannot be tested further."""
    return Finding(
        id="dns.resolution_failed",
        severity=Severity.PROBLEM,
        wizard="engine",
        target=obs.host,
        title=f"The name {obs.host} could not be looked up",
        user_text=(
            f"This computer could not find the address of {obs.host}, so nothing can connect to "
            "it. Check the spelling; if it is right, the name server in use does not know it."
        ),
        engineer_text=(
            f"getaddrinfo({obs.host!r}) failed after {obs.elapsed * 1000:.0f} ms: {obs.error}. "
            "Check the resolvers in system.json and whether the name needs a VPN or split DNS."
        ),
        evidence=(Evidence(text=f"resolver error: {obs.error}", timings={"elapsed": obs.elapsed}),),
        values={"host": obs.host, "error": obs.error or ""},
    )


def packet_comments(findings: Sequence[Finding]) -> dict[int, str]:
    """Frame number -> comment naming every finding and fact that cites it (shown by Wireshark)."""
    comments: dict[int, list[str]] = {}
    for finding in findings:
        for evidence in finding.evidence:
            for number in evidence.packets:
                comments.setdefault(number, []).append(f"{finding.id}: {evidence.text}")
    return {number: " | ".join(texts) for number, texts in comments.items()}


async def collect_system_info() -> dict[str, Any]:
    """system.json contents, gathered off the loop (it reads files and runs commands)."""
    from wiresleuth.platform.system_info import collect_system

    loop = asyncio.get_running_loop()
    try:
        return await loop.run_in_executor(None, collect_system)
    except Exception as exc:  # the platform layer promises not to raise; keep the run anyway
        return {"errors": [f"system information failed: {type(exc).__name__}: {exc}"]}
