"""The check of a watch's bundle against a scenario's ``[expect] watch = [...]``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from wiresleuth.bundle.reader import read_bundle
from wiresleuth.bundle.watch_file import watch_summary
from wiresleuth.errors import BadBundle
from wiresleuth.lab.expect import WatchGroupCheck


def check_watch(checks: Sequence[WatchGroupCheck], bundle: Path) -> list[str]:
    """Every expected group that is missing or does not say what it must, in words."""
    try:
        summary = watch_summary(read_bundle(bundle).report)
    except BadBundle as exc:
        return [str(exc)]
    if summary is None:
        return ["the bundle is not a watch (report.json has no 'watch')"]
    failures: list[str] = []
    for wanted in checks:
        groups = [
            g
            for g in summary.groups
            if g.target == wanted.target and g.address == wanted.address
        ]
        shown = ", ".join(f"{g.signature} x{g.count}" for g in groups) or "none"
        group = next((g for g in groups if g.signature in wanted.signatures), None)
        if group is None:
            failures.append(
                f"watch: no failure group {'/'.join(wanted.signatures)} on {wanted.target} at "
                f"{wanted.address} (groups there: {shown})"
            )
            continue
        if wanted.worked and (group.worked == 0 or group.nearest_working is None):
            failures.append(
                f"watch: {group.signature} on {wanted.target} at {wanted.address} never worked "
                f"in {summary.attempts_total} attempt(s): the fault did not come and go"
            )
    return failures
