"""A bundle reads back as the RunResult it was written from."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from tests.bundle.sample_runs import uncaptured_run
from wiresleuth.bundle.reader import read_bundle
from wiresleuth.bundle.run_result import run_result
from wiresleuth.bundle.writer import write_bundle
from wiresleuth.model.check_status import CheckStatus, Status


def test_a_written_run_reads_back(tmp_path: Path) -> None:
    checks = (
        CheckStatus(check="tls", title="TLS", target="a:443", status=Status.NOT_TESTED,
                    reason="not an HTTPS site"),
    )  # fmt: skip
    run = replace(uncaptured_run(), checks=checks)
    back = run_result(read_bundle(write_bundle(run, tmp_path / "r.wsbundle")))
    assert back.findings == run.findings
    assert back.connections == run.connections
    assert (back.started_at, back.finished_at) == (run.started_at, run.finished_at)
    assert back.targets == run.targets and back.wizards == run.wizards
    assert back.cancelled is run.cancelled
    assert back.checks == checks
    assert back.capture.reason == run.capture.reason
    assert back.packets == () and back.capture_file is None


def test_a_bundle_without_statuses_has_none(tmp_path: Path) -> None:
    back = run_result(read_bundle(write_bundle(uncaptured_run(), tmp_path / "r.wsbundle")))
    assert back.checks == ()
