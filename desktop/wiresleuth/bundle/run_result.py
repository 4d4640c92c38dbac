"""A bundle read back as the RunResult it was written from (without the capture file).

What is saved can be loaded back typed (STYLE.md 12): the results page, the helpdesk page
and the lab's checks take a RunResult, whether the run was made here or arrived as a file.
Values only JSON could hold come back in their JSON form (``serialize``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from wiresleuth.bundle.reader import Bundle
from wiresleuth.model.check_status import load_statuses
from wiresleuth.model.run import RunResult


def _seconds(value: Any) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return 0.0


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def run_result(bundle: Bundle) -> RunResult:
    """``bundle`` as a RunResult: findings, timelines, capture status, observations, profile,
    system, log and check statuses (none when the bundle predates them); no packets."""
    report = bundle.report
    return RunResult(
        started_at=_seconds(report.get("started_at")),
        finished_at=_seconds(report.get("finished_at")),
        targets=_strings(report.get("targets")),
        findings=bundle.findings,
        connections=bundle.connections,
        capture=bundle.capture,
        observations=_mapping(report.get("observations")),
        wizards=_strings(report.get("wizards")),
        cancelled=report.get("cancelled") is True,
        profile=_mapping(report.get("profile")),
        system=bundle.system,
        log=tuple(bundle.log.splitlines()),
        checks=load_statuses(report.get("checks")) or (),
    )
