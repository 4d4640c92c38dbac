"""The hop locator's lab bundles (tests/analysis/samples/hops, see SOURCES.md there), typed."""

from __future__ import annotations

import json
import zipfile
from functools import cache
from pathlib import Path
from typing import Any

from wiresleuth.bundle.recording import RecordedRun, load_recorded_run
from wiresleuth.model.finding import Finding
from wiresleuth.model.hop_observations import HopLocatorObservations
from wiresleuth.wizards.registry import all_wizards

SAMPLES = Path(__file__).parent / "samples" / "hops"


@cache
def recorded(name: str) -> RecordedRun:
    """A sample bundle, every wizard's observations typed."""
    types = {wizard.id: wizard.observation_type for wizard in all_wizards()}
    return load_recorded_run(SAMPLES / f"{name}.wsbundle", types)


def hops_of(run: RecordedRun) -> HopLocatorObservations:
    """The hop locator's observations of a recorded run."""
    found = run.observations["hops"]
    assert isinstance(found, HopLocatorObservations)
    return found


def finding(run: RecordedRun, finding_id: str) -> Finding:
    """The run's finding with that ID (exactly one)."""
    [found] = [f for f in run.findings if f.id == finding_id]
    return found


def report_observations(name: str) -> dict[str, Any]:
    """A sample bundle's measurements as report.json holds them (the viewer's JSON form)."""
    with zipfile.ZipFile(SAMPLES / f"{name}.wsbundle") as archive:
        report = json.loads(archive.read("report.json"))
    observations = report["observations"]
    assert isinstance(observations, dict)
    return observations
