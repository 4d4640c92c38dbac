"""What the watch tab shows, from a ``WatchSummary`` (no Qt): success rate per target and
address over time, the grouped failures as rows, and a group's evidence in words."""

from __future__ import annotations

import time
from dataclasses import dataclass

from wiresleuth.model.watch import FailureGroup, WatchSummary, failure_label

MAX_BINS = 200
"""Points per line at most: a week of attempts is drawn in bins, not one point each."""


@dataclass(frozen=True, kw_only=True)
class RateSeries:
    """One line of the plot: a target's address."""

    label: str
    """``host:port at address`` (``the PAC file`` for the PAC)."""
    times: tuple[float, ...]
    """Epoch seconds: the middle of each bin."""
    rates: tuple[float, ...]
    """Per cent of the bin's attempts that worked."""
    counts: tuple[int, ...]
    """Attempts in each bin."""


@dataclass(frozen=True, kw_only=True)
class GroupRow:
    """One line of the grouped failures list."""

    group: FailureGroup
    """The group shown."""
    what: str
    """The finding's title (or the signature) and the signature."""
    where: str
    """Target and address."""
    count: str
    """How many times it failed, and how many times it worked."""
    first: str
    """When it first failed."""
    last: str
    """When it last failed."""
    worked: str
    """When it last worked."""
    differed: str
    """What differed from the nearest working attempt, in words."""


def where_of(target: str, address: str) -> str:
    """``host:port at address``; ``the PAC file`` when no target."""
    place = target or "the PAC file"
    return f"{place} at {address}" if address else place


def clock(epoch: float | None) -> str:
    """Local date and time to the second, or ``never``."""
    if epoch is None:
        return "never"
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(epoch))


def success_series(summary: WatchSummary, *, max_bins: int = MAX_BINS) -> list[RateSeries]:
    """Per target and address, the share of attempts that worked, in time bins (one bin per
    attempt when they fit in ``max_bins``)."""
    attempts = [a for a in summary.attempts if not a.cancelled]
    if not attempts:
        return []
    start = attempts[0].started_at
    span = attempts[-1].started_at - start
    binned = len(attempts) > max_bins
    width = max(span / max_bins, summary.settings.every) if binned else 0.0
    bins: dict[tuple[str, str], dict[int, list[float]]] = {}
    for position, attempt in enumerate(attempts):
        # few attempts: one point each (their times jitter around the slots); many: bins
        index = int((attempt.started_at - start) // width) if binned else position
        for result in attempt.results:
            tally = bins.setdefault((result.target, result.address), {}).setdefault(
                index, [0, 0, attempt.started_at]
            )
            tally[0] += int(result.ok)
            tally[1] += 1
    series = []
    for (target, address), per_bin in bins.items():
        order = sorted(per_bin)
        series.append(
            RateSeries(
                label=where_of(target, address),
                times=tuple(start + (i + 0.5) * width if binned else per_bin[i][2] for i in order),
                rates=tuple(100.0 * per_bin[i][0] / per_bin[i][1] for i in order),
                counts=tuple(int(per_bin[i][1]) for i in order),
            )
        )
    series.sort(key=lambda s: s.label)
    return series


def group_rows(summary: WatchSummary) -> list[GroupRow]:
    """The grouped failures, as the list shows them (largest first)."""
    rows = []
    for group in summary.groups:
        differed = group.differed
        rows.append(
            GroupRow(
                group=group,
                what=f"{group.title or group.signature} ({group.signature})",
                where=where_of(group.target, group.address),
                count=f"{group.count} failed, {group.worked} worked",
                first=clock(group.first),
                last=clock(group.last),
                worked=clock(group.last_worked),
                differed=differed,
            )
        )
    return rows


def group_evidence(summary: WatchSummary, group: FailureGroup) -> str:
    """The kept evidence of a group's failures in words: when, the frames, the findings."""
    label = failure_label(group.signature, group.target, group.address)
    lines = [
        f"{group.title or group.signature} ({group.signature}) on "
        f"{where_of(group.target, group.address)}",
        f"Failed {group.count} time(s), from {clock(group.first)} (attempt {group.first_attempt}) "
        f"to {clock(group.last)} (attempt {group.last_attempt}); worked {group.worked} time(s), "
        f"last at {clock(group.last_worked)}.",
    ]
    if group.nearest_working is not None:
        if group.differences:
            lines.append(f"Compared with attempt {group.nearest_working}, which worked:")
            lines += [
                f"  {d.fact}: {d.failing} when it failed, {d.working} when it worked"
                for d in group.differences
            ]
        else:
            lines.append(
                f"Nothing this computer can see differed from attempt {group.nearest_working}, "
                "which worked: look at the network."
            )
    failures = [f for f in summary.failures if label in f.signatures]
    if not failures:
        lines.append("No failure of this group has its evidence kept in this bundle.")
    for failure in failures:
        lines.append("")
        ran = "a full diagnosis ran at once" if failure.diagnosis_ran else "no full diagnosis"
        lines.append(f"Attempt {failure.attempt} at {clock(failure.at)}: {ran}.")
        if failure.note:
            lines.append(f"  Note: {failure.note}")
        for section in failure.sections:
            last = section.first_frame + section.packets - 1
            source = (
                f"attempt {section.attempt}" if section.attempt is not None else "full diagnosis"
            )
            lines.append(f"  Frames {section.first_frame}-{last}: {section.label} ({source})")
        for finding in failure.findings:
            frames = ", ".join(str(n) for n in finding.packets[:12])
            more = "…" if len(finding.packets) > 12 else ""
            cited = f" [frames {frames}{more}]" if frames else ""
            lines.append(f"  - {finding.severity.value}: {finding.title}{cited}")
            lines.append(f"    {finding.user_text}")
    return "\n".join(lines)


def first_frame(summary: WatchSummary, group: FailureGroup) -> int | None:
    """The first frame of the group's first kept failure (its failing attempt's)."""
    label = failure_label(group.signature, group.target, group.address)
    for failure in summary.failures:
        if label in failure.signatures:
            for section in failure.sections:
                if section.label == "failing":
                    return section.first_frame
            if failure.sections:
                return failure.sections[0].first_frame
    return None
