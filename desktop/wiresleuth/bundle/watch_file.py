"""A watch's bundle: an ordinary bundle whose report.json also holds ``watch``.

The ordinary members hold the kept failures (their findings, timelines and the joined
capture, frames numbered across it), so every reader of bundles opens a watch's bundle as it
opens a run's; ``watch`` adds the attempts, the grouped failures and each failure's evidence
(``model.watch.WatchSummary``, read back typed here). A bundle without ``watch`` (every
bundle written before watches existed) is simply not a watch: ``watch_summary`` gives None.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from wiresleuth.bundle.serialize import finding_dict, jsonable
from wiresleuth.errors import BadBundle
from wiresleuth.model.jsonable import JsonableError, from_jsonable
from wiresleuth.model.watch import WatchRun, WatchSummary

WATCH_KEY = "watch"
"""report.json's key for a watch's summary."""


def watch_dict(summary: WatchSummary) -> dict[str, Any]:
    """report.json's ``watch``: the summary as the model writes it, each failure's findings
    as report.json writes findings (``packets`` included), strict JSON."""
    data: dict[str, Any] = jsonable(summary)
    for written, failure in zip(data["failures"], summary.failures, strict=True):
        written["findings"] = [finding_dict(f) for f in failure.findings]
    return data


def write_watch_bundle(run: WatchRun, path: Path) -> Path:
    """Write the watch as a bundle at ``path`` (atomically, redacted, as any bundle)."""
    from wiresleuth.bundle.writer import write_bundle  # `wiresleuth report` reads: no writer

    return write_bundle(run.result, path, extra_report={WATCH_KEY: watch_dict(run.summary)})


def watch_summary(report: Mapping[str, Any]) -> WatchSummary | None:
    """The watch of a report.json; None when the bundle is not a watch. BadBundle when
    ``watch`` is there but does not fit (damaged, or changed by hand)."""
    raw = report.get(WATCH_KEY)
    if raw is None:
        return None
    try:
        return from_jsonable(WatchSummary, raw)
    except JsonableError as exc:
        detail = str(exc)
        if len(detail) > 200:
            detail = detail[:197] + "..."
        raise BadBundle(f"report.json is damaged: watch: {detail}") from exc
