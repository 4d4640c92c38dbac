"""A watch's bundle: report.json's ``watch`` fits the schema, reads back typed, survives
damage as a plain error; bundles written before watches existed open as not a watch."""

import copy
import json
import math
from pathlib import Path

import jsonschema
import pytest

from tests.gui.conftest import SAMPLE_BUNDLE
from wiresleuth.bundle.reader import read_bundle
from wiresleuth.bundle.redact import redact
from wiresleuth.bundle.schema import report_schema
from wiresleuth.bundle.serialize import report_dict
from wiresleuth.bundle.watch_file import watch_dict, watch_summary, write_watch_bundle
from wiresleuth.errors import BadBundle
from wiresleuth.model.finding import Evidence, Finding, Severity
from wiresleuth.model.run import RunResult
from wiresleuth.model.watch import (
    AddressResult,
    CaptureSection,
    FailureEvidence,
    FailureGroup,
    WatchAttempt,
    WatchContext,
    WatchDifference,
    WatchRun,
    WatchSettings,
    WatchSummary,
)

T = "chat.lab.test:443"
FINDING = Finding(
    id="tls.no_server_hello",
    severity=Severity.PROBLEM,
    title="No ServerHello",
    user_text="u",
    engineer_text="e",
    wizard="tls",
    target=T,
    evidence=(
        Evidence(
            text="x",
            packets=(21, 22),
            addresses=("100.64.1.20:443",),
            timings={"waited": float("inf")},
        ),
    ),
)


def summary() -> WatchSummary:
    ok = AddressResult(target=T, address="100.64.1.20", ok=True, outcome="ok", context=0)
    bad = AddressResult(
        target=T,
        address="100.64.1.20",
        ok=False,
        outcome="timeout",
        signature="tls.no_server_hello",
        context=0,
    )
    return WatchSummary(
        settings=WatchSettings(
            every=10,
            duration=90,
            targets=(T,),
            started_at=1000.0,
            finished_at=1090.0,
            ended="finished",
            probes=("name resolution",),
        ),
        attempts=(
            WatchAttempt(number=1, started_at=1000.0, finished_at=1000.2, results=(ok,)),
            WatchAttempt(
                number=2, started_at=1010.0, finished_at=1013.0, results=(bad,), diagnosed=True
            ),
        ),
        contexts=(
            WatchContext(route="direct", dns_answer=("100.64.1.20",), interfaces_up=("eth0",)),
        ),
        groups=(
            FailureGroup(
                signature="tls.no_server_hello",
                target=T,
                address="100.64.1.20",
                count=1,
                first=1010.0,
                last=1010.0,
                first_attempt=2,
                last_attempt=2,
                attempts=(2,),
                worked=1,
                last_worked=1000.0,
                nearest_working=1,
                differences=(WatchDifference(fact="route", failing="a", working="b"),),
                title="No ServerHello",
            ),
        ),
        failures=(
            FailureEvidence(
                attempt=2,
                at=1010.0,
                signatures=("tls.no_server_hello @ chat.lab.test:443 100.64.1.20",),
                findings=(FINDING,),
                sections=(CaptureSection(label="failing", first_frame=21, packets=9, attempt=2),),
                diagnosis_ran=True,
            ),
        ),
        attempts_total=2,
    )


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(report_schema())


def watch_report() -> dict:
    result = RunResult(started_at=1000.0, finished_at=1090.0, targets=(T,), findings=(FINDING,))
    report = {**report_dict(result), "watch": watch_dict(summary())}
    return json.loads(json.dumps(redact(report), allow_nan=False))


def test_a_watch_report_fits_the_schema(validator: jsonschema.Draft202012Validator) -> None:
    assert [e.message for e in validator.iter_errors(watch_report())] == []


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("watch", "groups", 0, "count"), 0),
        (("watch", "failures", 0, "sections", 0, "label"), "during"),
        (("watch", "attempts", 0, "results", 0, "ok"), "yes"),
        (("watch", "settings", "every"), 0),
        (("watch", "surprise"), 1),
    ],
)
def test_the_schema_has_teeth_for_watches(
    validator: jsonschema.Draft202012Validator, path: tuple, value: object
) -> None:
    report = copy.deepcopy(watch_report())
    target = report
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    assert list(validator.iter_errors(report))


def test_written_and_read_back_typed(tmp_path: Path) -> None:
    result = RunResult(started_at=1000.0, finished_at=1090.0, targets=(T,), findings=(FINDING,))
    out = write_watch_bundle(WatchRun(summary=summary(), result=result), tmp_path / "w.wsbundle")
    again = watch_summary(read_bundle(out).report)
    assert again is not None
    expected = summary()
    assert again.groups == expected.groups and again.attempts == expected.attempts
    assert again.failures[0].findings[0].packets == (21, 22)
    # strict JSON wrote inf as null, which reads back as NaN (model.jsonable says so)
    assert math.isnan(again.failures[0].findings[0].evidence[0].timings["waited"])


def test_bundles_from_before_watches_open_and_are_not_watches() -> None:
    bundle = read_bundle(SAMPLE_BUNDLE)
    assert bundle.findings and watch_summary(bundle.report) is None


def test_a_damaged_watch_is_a_plain_error() -> None:
    report = watch_report()
    report["watch"]["groups"][0]["count"] = "many"
    with pytest.raises(BadBundle, match=r"report.json is damaged: watch: .*count"):
        watch_summary(report)
