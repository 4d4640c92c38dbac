"""report.json matches the JSON Schema shipped in the package, and the schema has teeth."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from typing import Any

import jsonschema
import pytest

from wiresleuth.bundle.redact import redact
from wiresleuth.bundle.schema import report_schema
from wiresleuth.bundle.serialize import report_dict
from wiresleuth.model.catalogue import CATALOGUE
from wiresleuth.model.finding import Severity
from wiresleuth.model.run import RunResult


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = report_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _errors(validator: jsonschema.Draft202012Validator, report: Any) -> list[str]:
    return [error.message for error in validator.iter_errors(report)]


def test_produced_reports_are_valid(
    validator: jsonschema.Draft202012Validator, captured: RunResult, uncaptured: RunResult
) -> None:
    dropped = replace(captured, capture=replace(captured.capture, dropped=7))
    assert report_dict(dropped)["capture"]["dropped"] == 7
    for result in (captured, uncaptured, dropped):
        report = json.loads(json.dumps(redact(report_dict(result))))
        assert _errors(validator, report) == []


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("findings", 0, "severity"), "fatal"),
        (("findings", 0, "id"), "Not An ID"),
        (("findings", 0, "evidence", 0, "packets"), [0]),
        (("connections", 0, "events", 0, "direction"), "sideways"),
        (("connections", 0, "events", 0, "dscp"), 64),
        (("capture", "file"), "other.pcap"),
        (("capture", "dropped"), 0),
        (("summary", "problem"), -1),
        (("started_at_utc",), "yesterday"),
    ],
)
def test_schema_rejects_wrong_values(
    validator: jsonschema.Draft202012Validator,
    captured: RunResult,
    path: tuple[Any, ...],
    value: Any,
) -> None:
    report = copy.deepcopy(report_dict(captured))
    target = report
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    assert _errors(validator, report) != []


def test_schema_rejects_missing_and_renamed_fields(
    validator: jsonschema.Draft202012Validator, captured: RunResult
) -> None:
    report = copy.deepcopy(report_dict(captured))
    report["findings"][0]["userText"] = report["findings"][0].pop("user_text")
    messages = _errors(validator, report)
    assert any("'user_text' is a required property" in m for m in messages)
    assert any("'userText' was unexpected" in m for m in messages)


def test_schema_accepts_every_catalogue_id_and_severity(
    validator: jsonschema.Draft202012Validator, captured: RunResult
) -> None:
    report = report_dict(captured)
    for finding_id in CATALOGUE:
        for severity in Severity:
            report["findings"][0]["id"] = finding_id
            report["findings"][0]["severity"] = severity.value
            assert _errors(validator, report) == [], finding_id
