"""The results page leads with causes: real lab bundles of C1, C7 and "offline" each count one.

The qt test reads bundles made in the lab (tests/gui/samples, SOURCES.md says how); the lab
test makes fresh ones with ``wiresleuth lab run`` and checks them the same way.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.lab.prefixes import lab_prefix
from wiresleuth.bundle.reader import read_bundle
from wiresleuth.bundle.run_result import run_result
from wiresleuth.gui.qt_results_page import QtResultsPage
from wiresleuth.model.check_status import Status
from wiresleuth.profile.model import Profile

SAMPLES = Path(__file__).parent / "samples"
ROOT = Path(__file__).parents[2]
LAB_PREFIX = lab_prefix("results-page")
"""This test's own lab prefix: an engineer's lab and another run are never touched."""

EXPECTED = {
    "C1": (
        "We found 1 problem: A network policy drops large packets from chat.lab.test:443.",
        {"path.large_packet_loss", "path.dscp_marked", "mtu.path_mtu"},
    ),
    "C7": (
        "We found 1 problem: Software on this computer holds web requests for 5.0 s.",
        {"local.security_products"},
    ),
    "offline": ("We found 1 problem: This computer has no network connection.", set()),
}


def check_results_page(qtbot: QtBot, bundle: Path, scenario: str) -> None:
    result = run_result(read_bundle(bundle))
    page = QtResultsPage()
    qtbot.addWidget(page)
    page.set_result(result, Profile())
    headline, explained = EXPECTED[scenario]
    assert page.headline.text() == headline
    trouble = [c for c in page.findings.causes() if not c.about_the_run and c.severity.weight]
    assert len(trouble) == 1
    assert explained <= {f.id for f in trouble[0].supporting}
    # every finding is still listed for the engineer
    assert sorted(f.id for f in page.findings.findings()) == sorted(f.id for f in result.findings)
    # and every check says what it did
    assert result.checks and "What was checked:" in page.checked.text()


@pytest.mark.qt
@pytest.mark.parametrize("scenario", sorted(EXPECTED))
def test_the_headline_counts_one_cause(qtbot: QtBot, scenario: str) -> None:
    check_results_page(qtbot, SAMPLES / f"lab-{scenario}.wsbundle", scenario)


@pytest.mark.qt
def test_offline_says_why_each_check_did_not_test(qtbot: QtBot) -> None:
    result = run_result(read_bundle(SAMPLES / "lab-offline.wsbundle"))
    statuses = {(s.check, s.target): s for s in result.checks}
    assert statuses[("tls", "www.lab.test:443")].shown == "not tested (its name did not resolve)"
    assert statuses[("lookup", "www.lab.test:443")].status is Status.PROBLEM
    assert statuses[("pac", None)].status is Status.NOT_TESTED
    assert not any(s.status is Status.PASSED and s.check == "tls" for s in result.checks)


@pytest.mark.lab
@pytest.mark.qt
@pytest.mark.parametrize("scenario", sorted(EXPECTED))
def test_fresh_lab_bundles_count_one_cause(qtbot: QtBot, tmp_path: Path, scenario: str) -> None:
    from wiresleuth.errors import LabError
    from wiresleuth.lab.lab import check_host

    try:
        check_host()
    except LabError as exc:
        pytest.skip(f"lab test needs a Linux host with root and the lab tools: {exc}")
    out = tmp_path / f"{scenario}.wsbundle"
    done = subprocess.run(
        [sys.executable, "-m", "wiresleuth", "lab", "run", scenario, "--out", str(out)],
        cwd=ROOT, env={**os.environ, "WIRESLEUTH_LAB_PREFIX": LAB_PREFIX},
        capture_output=True, text=True, timeout=240, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    check_results_page(qtbot, out, scenario)
