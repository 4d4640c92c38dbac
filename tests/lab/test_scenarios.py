"""End to end: ``wiresleuth lab run`` for each shipped scenario, with and without capture rights.

Each test runs the real CLI, which builds the lab, runs the real ``wiresleuth run`` in the
client namespace (as root, or as user nobody) and checks the scenario's expectations.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.lab.conftest import fresh_names
from tests.lab.prefixes import lab_prefix
from wiresleuth.bundle.reader import read_bundle
from wiresleuth.lab.names import PREFIX_ENV
from wiresleuth.lab.report_reader import read_findings
from wiresleuth.lab.scenario import load_scenario
from wiresleuth.lab.topology import existing_namespaces
from wiresleuth.model.finding import Finding
from wiresleuth.sources.bundle_file import reanalyse

pytestmark = pytest.mark.lab

PREFIX = lab_prefix("scenarios")
"""A WIRESLEUTH_LAB_PREFIX given to pytest keeps parallel runs apart (tests/lab/prefixes.py)."""


@pytest.mark.parametrize("capture", [True, False], ids=["capture", "no-capture"])
@pytest.mark.parametrize("scenario", ["baseline", "C1", "C6", "C8", "mtu-blackhole", "C7", "C2", "C5", "C9", "proxy-healthy", "C3-synack", "C3-503", "C4-loopback", "C4-nxdomain", "pac-healthy", "pac-hostile", "corp-proxy-os", "corp-pac-os", "proxy-inspection", "offline", "passive-faults", "slow-server", "mss-clamp", "lb-one-bad"])
def test_lab_run(scenario: str, capture: bool, tmp_path: Path) -> None:
    names = fresh_names("scenarios")
    out = tmp_path / f"{scenario}.wsbundle"
    argv = [sys.executable, "-m", "wiresleuth", "lab", "run", scenario, "--out", str(out)]
    if not capture:
        argv.append("--no-capture")
    budget = load_scenario(scenario).client.budgets.run
    done = subprocess.run(
        argv,
        capture_output=True,
        text=True,
        timeout=budget + 90,
        env={**os.environ, PREFIX_ENV: PREFIX},
        check=False,
    )
    report = f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    assert done.returncode == 0, report
    assert "all hold" in done.stdout, report
    ids = [f["id"] for f in read_findings(out)]
    assert ("capture.unavailable" in ids) is not capture, ids
    assert existing_namespaces(names) == [] and not names.state_dir.exists(), "lab left behind"
    check_reanalysis(out)
    check_capture(out, capture, tmp_path)
    if scenario == "lb-one-bad":
        check_every_address(out)
    if capture and scenario in ("baseline", "C8"):
        check_https_connections_named(out)


def check_every_address(bundle_path: Path) -> None:
    """lb-one-bad (issue 16): the TLS check tested the name's three addresses; the bad
    member is a problem, the two others passed; the finding cites the bad member's packets
    only (with capture)."""
    bundle = read_bundle(bundle_path)
    (row,) = [c for c in bundle.report["checks"] if c["check"] == "tls" and c["target"]]
    shown = {a["address"]: a["status"] for a in row["addresses"]}
    assert shown == {"100.64.1.41": "passed", "100.64.1.42": "problem", "100.64.1.43": "passed"}
    (reset,) = [f for f in bundle.findings if f.id == "tls.reset_after_client_hello"]
    assert reset.title.startswith("1 of 3 addresses of portal.lab.test") and "100.64.1.42" in reset.title
    if not bundle.has_capture:
        return
    from wiresleuth.bundle.recording import bundle_packets

    good = ("100.64.1.41", "100.64.1.43")
    others = {p.number for p in bundle_packets(bundle) if p.src in good or p.dst in good}
    assert others and not set(reset.packets) & others
    assert any(e.packets for e in reset.evidence if e.text.startswith("100.64.1.42: RST"))


def check_https_connections_named(bundle_path: Path) -> None:
    """Every connection to the site's HTTPS port says what it was for, also the speculative
    TLS handshakes the outcome did not call for (small MSS after a success, both follow-ups
    after a reset): none is shown by its addresses alone."""
    bundle = read_bundle(bundle_path)
    https = [c for c in bundle.connections if c.server_port == 443]
    assert [c.id for c in https if not c.label] == []
    spare = [c.label for c in https if "started in case, not needed" in c.label]
    assert spare and all(label.startswith("TLS ") for label in spare)


def check_reanalysis(bundle_path: Path) -> None:
    """The bundle re-analysed (``report --reanalyse``: its typed observations and packets
    through the diagnosis seam) gives the run's findings: ID, target, severity, cited frames;
    nothing is carried over unanalysed, and so are the checks' statuses."""
    again = reanalyse(bundle_path)

    def key(f: Finding) -> tuple[str, str | None, str, tuple[int, ...]]:
        return f.id, f.target, f.severity.value, f.packets

    assert sorted(map(key, again.findings)) == sorted(map(key, again.recorded))
    assert again.kept == () and again.notes == ()
    recorded = read_bundle(bundle_path).report.get("checks") or []
    statuses = [(c.check, c.target, c.status.value) for c in again.diagnosis.checks]
    assert statuses == [(c["check"], c["target"], c["status"]) for c in recorded]


def check_capture(bundle_path: Path, capture: bool, tmp_path: Path) -> None:
    """Wireshark's own reader opens the capture, and every cited packet carries a comment."""
    bundle = read_bundle(bundle_path)
    assert bundle.has_capture is capture
    if not capture:  # nobody: refused by the helper's group, or the helper has no right
        reason = bundle.capture.reason or ""
        assert "group may" in reason or "holds no capture right here" in reason, reason
        return
    pcapng = bundle.extract_capture(tmp_path / "capture.pcapng")
    shown = subprocess.run(
        ["tshark", "-r", str(pcapng), "-T", "fields", "-e", "frame.number", "-e", "frame.comment"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert shown.returncode == 0, shown.stderr
    comments = dict(line.split("\t", 1) for line in shown.stdout.splitlines() if "\t" in line)
    assert len(comments) == bundle.capture.packets or bundle.capture.packets == 0
    cited = {n for finding in bundle.findings for n in finding.packets}
    missing = sorted(n for n in cited if not comments.get(str(n), "").strip())
    assert missing == [], f"cited packets without a comment: {missing}"
    for finding in bundle.findings:
        for number in finding.packets:
            assert finding.id in comments[str(number)]
    check_time_base(bundle_path, pcapng)


def check_time_base(bundle_path: Path, pcapng: Path) -> None:
    """One time base (issue 14): the viewer's packet list and report.html write each frame's
    time as tshark's frame.time_relative."""
    import re
    import zipfile

    from wiresleuth.gui.document import load_document
    from wiresleuth.gui.packet_rows import PacketRows

    shown = subprocess.run(
        ["tshark", "-r", str(pcapng), "-T", "fields", "-e", "frame.number", "-e", "frame.time_relative"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert shown.returncode == 0, shown.stderr
    theirs = {int(n): float(t) for n, t in (line.split("\t") for line in shown.stdout.splitlines())}
    rows = PacketRows(load_document(bundle_path))
    assert len(rows) == len(theirs)
    for row in range(len(rows)):
        number = rows.number_at(row)
        assert number is not None and abs(float(rows.cells(row)[1]) - theirs[number]) <= 1.5e-6, number
    with zipfile.ZipFile(bundle_path) as archive:
        page = archive.read("report.html").decode()
    if "No connection was recorded." in page:
        return  # a run that made no connection (offline) has no connection times to state
    assert "Times are seconds since frame 1 of the capture" in page
    cells = re.findall(r'<tr><td class="num">([0-9.]+)</td><td>(?:sent|received)</td><td>[^<]*</td><td class="num">(\d+)</td>', page)
    assert cells
    for seconds, number in cells:
        assert abs(float(seconds) - theirs[int(number)]) <= 1.5e-6, number
