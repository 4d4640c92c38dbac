"""End to end: ``wiresleuth lab run flaky-policer`` runs the real ``wiresleuth watch`` in the
client namespace while the lab turns C1's policer on and off; the watch catches it.

Kept short for CI: the watch lasts 90 s (attempts every 10 s), the test is bounded at the
program's own limit plus the lab's build and teardown.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.lab.conftest import fresh_names
from tests.lab.prefixes import lab_prefix
from wiresleuth.bundle.reader import read_bundle
from wiresleuth.bundle.watch_file import watch_summary
from wiresleuth.lab.client_run import GRACE
from wiresleuth.lab.names import PREFIX_ENV
from wiresleuth.lab.scenario import load_scenario
from wiresleuth.lab.topology import existing_namespaces

pytestmark = pytest.mark.lab

PREFIX = lab_prefix("watch-scenario")
TARGET = "chat.lab.test:443"
SERVER = "100.64.1.20"


def test_a_short_watch_catches_a_policer_that_comes_and_goes(tmp_path: Path) -> None:
    names = fresh_names("watch-scenario")
    out = tmp_path / "flaky-policer.wsbundle"
    client = load_scenario("flaky-policer").client
    done = subprocess.run(
        [sys.executable, "-m", "wiresleuth", "lab", "run", "flaky-policer", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=client.program_seconds + GRACE + 90,
        env={**os.environ, PREFIX_ENV: PREFIX},
        check=False,
    )
    report = f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    assert done.returncode == 0, report
    assert "all hold" in done.stdout, report
    assert existing_namespaces(names) == [] and not names.state_dir.exists(), "lab left behind"

    bundle = read_bundle(out)
    summary = watch_summary(bundle.report)
    assert summary is not None
    outcomes = [a.ok for a in summary.attempts]
    assert True in outcomes and False in outcomes, outcomes  # it came and went
    (group,) = [g for g in summary.groups if g.target == TARGET and g.address == SERVER]
    # when it failed and when it worked, from the attempts themselves
    failed = [a for a in summary.attempts if not a.ok]
    worked = [a for a in summary.attempts if a.ok]
    assert group.count == len(failed) and group.worked == len(worked)
    assert group.first == failed[0].started_at and group.last == failed[-1].started_at
    assert group.last_worked == worked[-1].started_at
    assert group.nearest_working in {a.number for a in worked}
    assert group.differences == ()  # nothing on this computer changed: the network did
    assert all(a.diagnosed for a in failed) and not any(a.diagnosed for a in worked)
    # the policer's proof came from at least one full diagnosis that ran while it was on
    assert any(
        f.id == "path.qos_policing" for failure in summary.failures for f in failure.findings
    )
    check_frames(out, bundle.capture.packets, summary)


def check_frames(out: Path, packets: int, summary) -> None:  # type: ignore[no-untyped-def]
    """The joined capture holds every section's frames, numbered as the summary says
    (Wireshark's own reader counts them), and each failure's findings cite its frames."""
    counted = subprocess.run(
        ["tshark", "-r", "-", "-T", "fields", "-e", "frame.number"],
        input=read_bundle(out).capture_bytes(),
        capture_output=True,
        timeout=60,
        check=True,
    ).stdout.split()
    assert len(counted) == packets > 0
    end = 0
    for failure in summary.failures:
        ranges = [(s.first_frame, s.first_frame + s.packets - 1) for s in failure.sections]
        assert ranges and ranges[0][0] == end + 1
        end = ranges[-1][1]
        for finding in failure.findings:
            for number in finding.packets:
                assert any(lo <= number <= hi for lo, hi in ranges), (finding.id, number)
    assert end == packets
