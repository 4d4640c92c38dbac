"""End to end: ``wiresleuth lab run <scenario>`` runs the real ``wiresleuth watch`` in the
client namespace: flaky-policer (the lab turns C1's policer on and off; the watch catches
it), lb-one-bad-watch (one address of three resets: the watch says 1 of 3 and names it),
lb-second-bad-watch (the second and third addresses of a name policed and unreachable: each
judged, 1 of 3),
corp-pac-os-watch (a PAC only the OS settings name decides each attempt's route).

Kept short for CI: the longest watch lasts 90 s (attempts every 10 s), each test is bounded
at the program's own limit plus the lab's build and teardown.
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


def watched(scenario: str, tmp_path: Path) -> Path:
    """``wiresleuth lab run`` of a watch scenario: its expectations hold, nothing is left."""
    names = fresh_names("watch-scenario")
    out = tmp_path / f"{scenario}.wsbundle"
    client = load_scenario(scenario).client
    done = subprocess.run(
        [sys.executable, "-m", "wiresleuth", "lab", "run", scenario, "--out", str(out)],
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
    return out


def test_a_short_watch_catches_a_policer_that_comes_and_goes(tmp_path: Path) -> None:
    out = watched("flaky-policer", tmp_path)
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


def test_a_watch_says_how_many_addresses_of_a_name_failed_and_names_them(tmp_path: Path) -> None:
    bundle = read_bundle(watched("lb-one-bad-watch", tmp_path))
    summary = watch_summary(bundle.report)
    assert summary is not None and summary.attempts
    for attempt in summary.attempts:  # every address of the name, every attempt
        results = {r.address: r.ok for r in attempt.results if r.target == "portal.lab.test:443"}
        assert results == {"100.64.1.41": True, "100.64.1.42": False, "100.64.1.43": True}
    (group,) = summary.groups  # grouped on the bad member alone
    assert (group.signature, group.address) == ("tls.reset_after_client_hello", "100.64.1.42")
    headline = "1 of 3 addresses of portal.lab.test resets after the ClientHello: 100.64.1.42"
    assert group.title == headline
    # the failing attempt's own finding (before the full diagnosis's) says it too
    light = summary.failures[0].findings[0]
    assert (light.id, light.title) == ("tls.reset_after_client_hello", headline)
    # and the attempt's line, as the terminal and the window showed it (the bundle's log)
    assert (
        "attempt 1: FAILED: portal.lab.test:443: 1 of 3 addresses failed: 100.64.1.42 (the "
        "connection was reset; tls.reset_after_client_hello); 100.64.1.41 and 100.64.1.43 "
        "worked" in bundle.log
    ), bundle.log


def test_a_watch_judges_every_address_not_the_first_that_connects(tmp_path: Path) -> None:
    """.41 works, .42 is policed (EF, large packets), .43 cannot be reached: each bad address
    is its own group, said 1 of 3, by the light attempt and by the full diagnosis (the
    MTU/DSCP check swept every address)."""
    bundle = read_bundle(watched("lb-second-bad-watch", tmp_path))
    summary = watch_summary(bundle.report)
    assert summary is not None and summary.attempts
    for attempt in summary.attempts:
        results = {r.address: r.ok for r in attempt.results if r.target == "portal.lab.test:443"}
        assert results == {"100.64.1.41": True, "100.64.1.42": False, "100.64.1.43": False}
    titles = {(g.signature, g.address): g.title for g in summary.groups}
    assert titles == {
        ("tls.no_server_hello", "100.64.1.42"):
            "1 of 3 addresses of portal.lab.test never answers the ClientHello: 100.64.1.42",
        ("path.direct_blocked", "100.64.1.43"):
            "1 of 3 addresses of portal.lab.test cannot be reached (no connection could be "
            "made): 100.64.1.43",
    }  # fmt: skip
    assert (
        "attempt 1: FAILED: portal.lab.test:443: 2 of 3 addresses failed: 100.64.1.42 (the "
        "secure greeting (TLS) got no answer in time; tls.no_server_hello) and 100.64.1.43 "
        "(the connection could not be made; path.direct_blocked); 100.64.1.41 worked"
        in bundle.log
    ), bundle.log
    diagnosed = {f.id: f for f in summary.failures[0].findings if f.wizard != "tls"}
    policing = diagnosed["path.qos_policing"]
    assert (policing.values["addresses_failing"], policing.values["dscp"]) == (
        ["100.64.1.42"], 46,
    )  # fmt: skip


def test_a_pac_from_the_os_settings_decides_each_attempts_route(tmp_path: Path) -> None:
    """Direct access to www.lab.test is closed: its attempts work only through the proxy the
    PAC (named by KDE's settings alone) gives; direct.lab.test goes DIRECT as it says."""
    bundle = read_bundle(watched("corp-pac-os-watch", tmp_path))
    summary = watch_summary(bundle.report)
    assert summary is not None and summary.attempts_total >= 2
    assert all(a.ok for a in summary.attempts) and summary.groups == ()
    from_pac = "(from PAC from KDE settings (http://pac.lab.test/proxy.pac))"
    for attempt in summary.attempts:
        got = {
            r.target: (r.address, summary.contexts[r.context].route) for r in attempt.results
        }
        assert got == {
            "www.lab.test:443": ("198.18.2.10", f"proxy 198.18.2.10:3128 {from_pac}"),
            "direct.lab.test:443": ("100.64.1.20", f"direct {from_pac}"),
            "": ("100.64.1.70", None),  # the PAC file from the OS settings, watched too
        }, got


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
