"""A bundle read back typed: every wizard's observations as its own type, and its packets."""

from __future__ import annotations

import dataclasses
import json
import zipfile
from pathlib import Path

import pytest

from tests.model.test_jsonable import sample
from wiresleuth.bundle.manifest import REPORT_MEMBER
from wiresleuth.bundle.recording import load_recorded_run, typed_observations
from wiresleuth.bundle.redact import MASK
from wiresleuth.bundle.writer import write_bundle
from wiresleuth.diagnosis.registry import observation_types
from wiresleuth.errors import BundleError
from wiresleuth.model.proxy_observations import ProxyWizardObservations
from wiresleuth.model.run import RunResult

TYPES = observation_types()


def test_every_wizards_observations_come_back_typed_with_the_packets(
    captured: RunResult, tmp_path: Path
) -> None:
    observations = {wizard: sample(kind, wizard) for wizard, kind in TYPES.items()}
    result = dataclasses.replace(
        captured,
        observations={**observations, "analyze": {"file": "x.pcap", "packets": 3}},
        wizards=tuple(TYPES),
    )
    recorded = load_recorded_run(write_bundle(result, tmp_path / "run.wsbundle"), TYPES)
    expected = dict(observations)
    proxy = expected["proxy"]
    assert isinstance(proxy, ProxyWizardObservations)
    expected["proxy"] = dataclasses.replace(proxy, credentials=MASK)  # redacted on the way out
    assert recorded.observations == expected
    assert recorded.untyped == {"analyze": {"file": "x.pcap", "packets": 3}}
    assert recorded.wizards == tuple(TYPES)
    assert recorded.findings == captured.findings
    assert len(recorded.packets) == captured.capture.packets
    assert [p.number for p in recorded.packets] == list(range(1, captured.capture.packets + 1))


def test_a_bundle_without_capture_has_no_packets(uncaptured: RunResult, tmp_path: Path) -> None:
    recorded = load_recorded_run(write_bundle(uncaptured, tmp_path / "run.wsbundle"), TYPES)
    assert recorded.packets == () and not recorded.capture.available


def test_observations_that_do_not_fit_their_type_are_named() -> None:
    report = {"observations": {"tls": {"targets": [{"target": 5}]}}}
    with pytest.raises(
        BundleError, match=r"the tls wizard cannot be read as TlsWizardObservations"
    ):
        typed_observations(report, TYPES)


def test_the_committed_sample_bundle_loads(tmp_path: Path) -> None:
    sample_bundle = Path(__file__).parent / "samples" / "format-1.wsbundle"
    recorded = load_recorded_run(sample_bundle, TYPES)
    with zipfile.ZipFile(sample_bundle) as archive:
        report = json.loads(archive.read(REPORT_MEMBER))
    assert set(recorded.untyped) == set(report["observations"])  # written before types existed
    assert recorded.packets


def test_a_lab_run_loads_typed_with_its_packets() -> None:
    """A real bundle (``lab run C6``): every wizard's observations typed, the capture's
    packets (``sources.bundle_file`` concludes again from them: tests/sources)."""
    from wiresleuth.model.observations import TlsWizardObservations

    recorded = load_recorded_run(Path(__file__).parent / "runs" / "C6-lab.wsbundle", TYPES)
    assert set(recorded.observations) == set(recorded.wizards) and recorded.untyped == {}
    assert len(recorded.observations) >= 6
    tls = recorded.observations["tls"]
    assert isinstance(tls, TlsWizardObservations)
    assert tls.targets[0].attempts[0].received_bytes.startswith(b"HTTP/1.0 200 OK")
    assert len(recorded.packets) == recorded.capture.packets


def test_a_damaged_capture_is_read_as_far_as_it_goes_and_says_so() -> None:
    """The reader's notes travel with the packets: frame numbers after the damage are its
    own, and whoever re-analyses the bundle must be told."""
    from tests.capture.damaged_sample import DAMAGED_BUNDLE

    recorded = load_recorded_run(DAMAGED_BUNDLE, TYPES)
    assert len(recorded.packets) == 72 and recorded.capture.packets == 86
    [note] = recorded.capture_warnings
    assert note.startswith("frame 39 is damaged") and "frames 1 to 38 only" in note


def test_an_intact_capture_brings_no_warning() -> None:
    sample_bundle = Path(__file__).parent / "samples" / "format-1.wsbundle"
    assert load_recorded_run(sample_bundle, TYPES).capture_warnings == ()
