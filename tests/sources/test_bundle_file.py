"""A bundle as a source of the diagnosis seam: today's rules on what it recorded."""

from __future__ import annotations

import dataclasses
import json
import zipfile
from pathlib import Path

import pytest

from tests.analysis.test_tls_wizard_findings import attempt, observations
from tests.bundle.conftest import SAMPLES
from wiresleuth.bundle.manifest import MANIFEST_MEMBER, REPORT_MEMBER, sha256_hex
from wiresleuth.bundle.reader import read_bundle
from wiresleuth.bundle.writer import write_bundle
from wiresleuth.model.engine_observations import ENGINE, EngineObservations
from wiresleuth.model.finding import Finding
from wiresleuth.model.jsonable import to_jsonable
from wiresleuth.model.observations import ResolveObservation, TlsWizardObservations
from wiresleuth.model.run import RunResult
from wiresleuth.sources.bundle_file import bundle_recording, reanalyse

LAB = Path(__file__).parents[1] / "gui" / "samples" / "lab"
RUNS = Path(__file__).parents[1] / "bundle" / "runs"
LB_ONE_BAD = Path(__file__).parents[1] / "gui" / "samples" / "lab-lb-one-bad.wsbundle"


def key(finding: Finding) -> tuple[str, str | None, str, tuple[int, ...]]:
    return finding.id, finding.target, finding.severity.value, finding.packets


def _one_run(path: Path) -> bool:
    """A run's bundle; a watch's findings come from several runs (``report --reanalyse``
    refuses it: tests/cli/test_watch_cmd.py)."""
    return "watch" not in read_bundle(path).report


@pytest.mark.parametrize(
    "path",
    [*filter(_one_run, sorted(LAB.glob("*.wsbundle"))), RUNS / "C6-lab.wsbundle", LB_ONE_BAD],
    ids=lambda path: path.stem,
)
def test_a_lab_bundle_re_analysed_concludes_what_its_run_did(path: Path) -> None:
    """Bundles made by earlier rules: the same findings, each citing at least the frames it
    cited then (a rule written once may cite more: the TLS check's plaintext now cites the
    ClientHello too). The lab tests compare fresh bundles frame for frame."""
    again = reanalyse(path)
    today = {(f.id, f.target, f.severity): set(f.packets) for f in again.findings}
    day = {(f.id, f.target, f.severity): set(f.packets) for f in again.recorded}
    assert today.keys() == day.keys()
    assert all(day[k] <= today[k] for k in day), (day, today)
    assert again.kept == () and again.notes == ()
    assert again.new() == [] and again.gone() == []


def test_the_format_1_sample_keeps_the_findings_of_checks_of_another_version() -> None:
    again = reanalyse(SAMPLES / "format-1.wsbundle")
    assert sorted(map(key, again.findings)) == sorted(map(key, again.recorded))
    assert {f.wizard for f in again.kept} == {"tls_handshake", "mtu_dscp", "gateway"}
    assert any("tls_handshake check (a check of another version)" in n for n in again.notes)
    assert again.made_by == "0.1.0" and again.rules


def rewrite_report(bundle: Path, change: dict[str, object]) -> None:
    """Change report.json inside a bundle, keeping its manifest's checksum true."""
    with zipfile.ZipFile(bundle) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    report = json.loads(members[REPORT_MEMBER])
    report.update(change)
    members[REPORT_MEMBER] = json.dumps(report).encode()
    manifest = json.loads(members[MANIFEST_MEMBER])
    manifest["files"][REPORT_MEMBER] = sha256_hex(members[REPORT_MEMBER])
    members[MANIFEST_MEMBER] = json.dumps(manifest).encode()
    with zipfile.ZipFile(bundle, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def tls_run(uncaptured: RunResult, **engine: object) -> RunResult:
    tls = observations(attempt("default", 40001, "reset", reset_at=1_700_000_003.0))
    observed: dict[str, object] = {"tls": to_jsonable(tls)}
    if engine:
        observed[ENGINE] = to_jsonable(EngineObservations(**engine))  # type: ignore[arg-type]
    return dataclasses.replace(
        uncaptured, observations=observed, wizards=("tls",), findings=(), cancelled=False
    )


def test_observations_are_concluded_again_and_the_changes_named(
    uncaptured: RunResult, tmp_path: Path
) -> None:
    failed = ResolveObservation(
        host="gone.example", addresses=(), started_at=1.0, elapsed=0.01, error="NXDOMAIN"
    )
    bundle = write_bundle(tls_run(uncaptured, lookups=(failed,)), tmp_path / "run.wsbundle")
    again = reanalyse(bundle)
    assert sorted((f.id, f.target) for f in again.findings) == [
        ("capture.unavailable", None),
        ("dns.resolution_failed", "gone.example"),
        ("tls.reset_after_client_hello", "www.lab.test:443"),
    ]
    assert again.kept == () and again.notes == ()
    assert {f.id for f in again.new()} == {f.id for f in again.findings}  # the day had none


def test_observations_that_no_longer_fit_keep_the_days_findings_and_say_why(
    uncaptured: RunResult, tmp_path: Path
) -> None:
    day = uncaptured.findings[0]
    run = dataclasses.replace(tls_run(uncaptured), findings=(dataclasses.replace(day, wizard="tls"),))
    bundle = write_bundle(run, tmp_path / "run.wsbundle")
    rewrite_report(bundle, {"observations": {"tls": {"targets": [{"target": 5}]}}})
    again = reanalyse(bundle)
    assert [f.id for f in again.kept] == ["tls.reset_after_client_hello"]
    assert [key(f) for f in again.findings if f.id != "capture.unavailable"] == [key(day)]
    (note,) = again.notes
    assert "the tls wizard cannot be read as TlsWizardObservations" in note
    assert "those of the day" in note


def test_a_bundle_written_before_the_engine_saved_its_lookups_keeps_their_findings(
    uncaptured: RunResult, tmp_path: Path
) -> None:
    failed = dataclasses.replace(
        uncaptured.findings[0], id="dns.resolution_failed", wizard=ENGINE, target="gone.example"
    )
    run = dataclasses.replace(tls_run(uncaptured), findings=(failed,))
    again = reanalyse(write_bundle(run, tmp_path / "run.wsbundle"))
    assert [f.id for f in again.kept] == ["dns.resolution_failed"]
    assert ("dns.resolution_failed", "gone.example") in {(f.id, f.target) for f in again.findings}
    assert any("before runs saved their lookups" in n for n in again.notes)


@pytest.mark.parametrize(
    "path", list(filter(_one_run, sorted(LAB.glob("*.wsbundle")))), ids=lambda path: path.stem
)
def test_a_bundle_from_before_every_address_reads_as_one_address_per_name(path: Path) -> None:
    """Issue 16: the TLS check's observations of older bundles have no other addresses; they
    are read as names with one address, and their statuses list none."""
    recording, _ = bundle_recording(read_bundle(path))
    tls = recording.observations.get("tls")
    if tls is None:
        pytest.skip(f"{path.name} has no TLS check")
    assert isinstance(tls, TlsWizardObservations) and tls.targets
    assert all(t.other_addresses == () for t in tls.targets)
    assert all(status.addresses == () for status in reanalyse(path).diagnosis.checks)


def test_the_lb_one_bad_bundle_re_analysed_names_the_bad_member_again() -> None:
    again = reanalyse(LB_ONE_BAD)
    (reset,) = [f for f in again.findings if f.id == "tls.reset_after_client_hello"]
    assert reset.values["addresses_failing"] == ["100.64.1.42"] and reset.values["tested"] == 3
    (row,) = [c for c in again.diagnosis.checks if c.check == "tls" and c.target]
    assert [(a.address, a.status.value) for a in row.addresses] == [
        ("100.64.1.42", "problem"), ("100.64.1.41", "passed"), ("100.64.1.43", "passed"),
    ]  # fmt: skip


def test_a_damaged_capture_is_named_in_the_notes() -> None:
    """Re-analysed packets of a damaged capture: the notes say where Wireshark stops and
    that later frame numbers are the reader's own, so no cited number is taken on trust."""
    from tests.capture.damaged_sample import DAMAGED_BUNDLE

    again = reanalyse(DAMAGED_BUNDLE)
    damaged = [n for n in again.notes if n.startswith("capture.pcapng: frame 39 is damaged")]
    assert len(damaged) == 1 and "frames 1 to 38 only" in damaged[0]
