"""A bundle as a source of the diagnosis seam: today's rules on the material it recorded.

``wiresleuth report BUNDLE --reanalyse`` comes here. The bundle's observations are read back
as their types, its capture's packets with the reader every capture file goes through, and
``diagnosis.diagnose`` concludes as it does for a run. What no rule of this version can read
again (a check of another version, observations that no longer fit their type, the lookups
of a bundle written before the engine saved them, a capture not copied into the bundle)
keeps the findings of the day, and the result says so: nothing is lost, and nothing is
passed off as re-analysed that was not.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import wiresleuth
from wiresleuth.analysis.passive_model import WIZARD as ANALYZE
from wiresleuth.bundle.reader import Bundle, read_bundle
from wiresleuth.bundle.recording import read_bundle_capture, read_observations
from wiresleuth.diagnosis.diagnose import Diagnosis, diagnose
from wiresleuth.diagnosis.recording import Origin, Recording
from wiresleuth.diagnosis.registry import INTERPRETATIONS, observation_types
from wiresleuth.model.capture_gap import CaptureGap, merged
from wiresleuth.model.engine_observations import ENGINE
from wiresleuth.model.finding import Finding
from wiresleuth.model.run import CaptureInfo

RULES_VERSION = wiresleuth.__version__
"""The rules this program applies: those of its version."""


@dataclass(frozen=True, kw_only=True)
class Reanalysis:
    """A bundle's findings as today's rules conclude them, beside those of the day."""

    source: Path
    """The bundle."""
    made_by: str
    """The version of the program that wrote it."""
    made_on: str
    """When it was written (ISO 8601 UTC), as its manifest says."""
    rules: str
    """The version whose rules concluded ``diagnosis``."""
    recorded: tuple[Finding, ...]
    """The findings the bundle holds (the rules of that day)."""
    diagnosis: Diagnosis
    """Today's findings and timelines."""
    kept: tuple[Finding, ...]
    """Findings of the day carried over unchanged, because nothing here reads their material."""
    notes: tuple[str, ...]
    """What could not be analysed again, and why."""
    capture: CaptureInfo
    """The capture status the bundle recorded."""

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Today's findings."""
        return self.diagnosis.findings

    def new(self) -> list[Finding]:
        """Findings today's rules conclude that the day's did not (by ID and target)."""
        before = {(f.id, f.target) for f in self.recorded}
        return [f for f in self.findings if (f.id, f.target) not in before]

    def gone(self) -> list[Finding]:
        """Findings of the day that today's rules no longer conclude."""
        now = {(f.id, f.target) for f in self.findings}
        return [f for f in self.recorded if (f.id, f.target) not in now]


def reanalyse(path: Path) -> Reanalysis:
    """Read the bundle at ``path`` and conclude again (BadBundle when it cannot be read)."""
    bundle = read_bundle(path)
    recording, notes = bundle_recording(bundle)
    return Reanalysis(
        source=bundle.path,
        made_by=str(bundle.manifest.get("program_version", "?")),
        made_on=str(bundle.manifest.get("created", "?")),
        rules=RULES_VERSION,
        recorded=bundle.findings,
        diagnosis=diagnose(recording),
        kept=recording.kept,
        notes=notes,
        capture=bundle.capture,
    )


def bundle_recording(
    bundle: Bundle, types: Mapping[str, type[Any]] | None = None
) -> tuple[Recording, tuple[str, ...]]:
    """The bundle as a Recording, and notes on what in it cannot be concluded again."""
    typed, untyped, unread = read_observations(
        bundle.report, observation_types() if types is None else types
    )
    wizards = _wizards(bundle.report, [*typed, *untyped])
    foreign = ANALYZE in wizards and not (set(wizards) - {ANALYZE})
    notes: list[str] = [f"{why}; its findings are those of the day" for why in unread.values()]
    interpreted = {i.name for i in INTERPRETATIONS} & set(typed)
    if foreign:
        kept = () if bundle.has_capture else bundle.findings
        if kept:
            notes.append(
                "the capture was not copied into this bundle"
                + (f" ({bundle.capture.reason})" if bundle.capture.reason else "")
                + ": its findings are those of the day"
            )
    else:
        kept = _kept(bundle.findings, interpreted, engine_saved=ENGINE in typed)
        owners = [w for f in kept if f.wizard != ENGINE and f.id != "probe.failed"
                  for w in f.wizard.split("+")]  # fmt: skip
        strangers = [
            w for w in dict.fromkeys([*untyped, *owners])
            if w not in unread and w not in (ENGINE, ANALYZE)
        ]  # fmt: skip
        notes += [
            f"no rule of this version reads the observations of the {w} check (a check of "
            "another version): its findings are those of the day"
            for w in strangers
        ]
        if ENGINE not in typed and any(f.wizard == ENGINE or f.id == "probe.failed" for f in kept):
            notes.append(
                "this bundle was written before runs saved their lookups and failed checks: "
                "those findings are the day's"
            )
        if bundle.capture.available and not bundle.has_capture:
            notes.append("this bundle holds no capture: findings rest on what the sockets saw")
    capture = read_bundle_capture(bundle)
    notes += [f"capture.pcapng: {warning}" for warning in capture.warnings]
    recorded_gaps: list[CaptureGap] = []
    if foreign:
        recorded_gaps, bad = _recorded_gaps(untyped.get(ANALYZE))
        if bad:
            notes.append(
                f"report.json: the analysed file's damaged stretches cannot be read ({bad}): "
                "loss is concluded as if the file had been whole"
            )
    recording = Recording(
        origin=Origin.BUNDLE,
        name=bundle.path.name,
        own_traffic=not foreign,
        wizards=tuple(wizards),
        observations=typed,
        capture=bundle.capture,
        packets=capture.packets,
        gaps=merged([*capture.gaps, *recorded_gaps]),
        kept=kept,
    )
    return recording, tuple(notes)


def _recorded_gaps(observations: object) -> tuple[list[CaptureGap], str]:
    """The stretches where the file ``analyze --out`` copied was damaged (its summary's
    ``capture_gaps``: [last whole frame before, first after or null]), and what is wrong
    with them if they cannot be read."""
    if not isinstance(observations, Mapping) or "capture_gaps" not in observations:
        return [], ""  # a bundle written before they were recorded
    raw = observations["capture_gaps"]
    gaps: list[CaptureGap] = []
    for item in raw if isinstance(raw, list) else [raw]:
        match item:
            case [int() as after, int() | None as before] if after >= 0:
                gaps.append(CaptureGap(after=after, before=before))
            case _:
                return [], f"{item!r} is not [frame, frame or null]"
    return gaps, ""


def _wizards(report: Mapping[str, Any], observed: Sequence[str]) -> list[str]:
    listed = report.get("wizards")
    if isinstance(listed, list) and all(isinstance(w, str) for w in listed):
        return list(listed)
    return [w for w in observed if w != ENGINE]


def _kept(
    findings: Sequence[Finding], interpreted: set[str], *, engine_saved: bool
) -> tuple[Finding, ...]:
    """The day's findings of a run's bundle that nothing in it can conclude again."""
    kept: list[Finding] = []
    for finding in findings:
        owners = set(finding.wizard.split("+"))
        if finding.id == "capture.unavailable":
            continue  # the capture status is in every bundle
        if finding.wizard == ENGINE or (finding.id == "probe.failed" and not owners & interpreted):
            if not engine_saved:
                kept.append(finding)
            continue
        if finding.wizard == ANALYZE:
            continue  # the ordinary faults: from the capture's packets, as on the day
        if not owners & interpreted:
            kept.append(finding)
    return tuple(kept)
