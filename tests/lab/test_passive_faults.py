"""The ordinary-fault primitives against real traffic: record each in the lab and let
``wiresleuth analyze`` (the real command line) name it.

Builds the ``passive-faults`` scenario (prefix WIRESLEUTH_LAB_PREFIX + ``wsp-``),
records every fault at once for ~27 s, then checks each capture. The committed fixtures
under tests/lab/captures/ are the output of this same recording.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.test_analyze_ordinary_faults import FIGURES, analyze
from tests.lab.conftest import fresh_names
from tests.lab.passive_recording import PATTERNS, SCENARIO, record
from wiresleuth.lab.lab import Lab, build_lab
from wiresleuth.lab.scenario import load_scenario

pytestmark = pytest.mark.lab


@pytest.fixture(scope="module")
def passive_lab() -> Iterator[Lab]:
    lab = build_lab(load_scenario(SCENARIO), fresh_names("passive-faults"))
    try:
        yield lab
    finally:
        errors = lab.teardown()
        assert errors == [], errors


@pytest.fixture(scope="module")
def recorded(passive_lab: Lab, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return record(passive_lab, tmp_path_factory.mktemp("passive"))


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_each_fault_recorded_in_the_lab_is_named(recorded: dict[str, Path], name: str) -> None:
    _, report = analyze(recorded[name])
    findings = report["findings"]
    assert [f["id"] for f in findings] == [PATTERNS[name][1]], findings
    if name in FIGURES:
        key, value, tolerance = FIGURES[name]
        assert findings[0]["values"][key] == pytest.approx(value, abs=tolerance)
