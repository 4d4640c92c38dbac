"""report.json form of a RunResult, and the way back to model objects."""

from __future__ import annotations

import json
import math

import pytest

from wiresleuth.bundle.serialize import (
    capture_from_report,
    connections_from_report,
    findings_from_report,
    jsonable,
    report_dict,
    utc_text,
)
from wiresleuth.errors import BundleError
from wiresleuth.model.finding import Evidence, Finding, Severity
from wiresleuth.model.run import RunResult


def test_report_dict_is_strict_json_with_summary_and_times(captured: RunResult) -> None:
    report = report_dict(captured)
    json.dumps(report, allow_nan=False)  # raises on anything JSON cannot hold
    assert report["summary"] == {"problem": 3, "warning": 1, "info": 1}
    assert report["started_at_utc"] == "2024-05-01T09:29:59.950Z"
    assert report["duration_s"] == pytest.approx(9.05)
    assert report["capture"]["file"] == "capture.pcapng"
    assert report["capture"]["packets"] == 26
    assert [f["id"] for f in report["findings"]] == [f.id for f in captured.findings]


def test_finding_fields_are_all_present(captured: RunResult) -> None:
    first = report_dict(captured)["findings"][2]
    assert first == {
        "id": "tls.reset_after_client_hello",
        "severity": "problem",
        "title": captured.findings[2].title,
        "user_text": captured.findings[2].user_text,
        "engineer_text": captured.findings[2].engineer_text,
        "wizard": "tls_handshake",
        "target": "lb.lab.test:443",
        "evidence": [
            {
                "text": "ClientHello sent and acknowledged by the server",
                "packets": [4, 5],
                "timings": {"client_hello": 1714555800.102, "ack_rtt": 0.1011},
                "addresses": ["198.19.1.10:443"],
                "data": {"sni": "lb.lab.test"},
            },
            {
                "text": "RST 3.00 s after the ClientHello, TTL 62 like the server's SYN-ACK",
                "packets": [2, 6],
                "timings": {"seconds_to_reset": 3.0023},
                "addresses": ["198.19.1.10"],
                "data": {"rst_ttl": 62, "server_ttl": 62},
            },
        ],
        "values": {"seconds": 3.0023, "rst_from": "198.19.1.10"},
        "packets": [4, 5, 2, 6],
    }


def test_findings_and_connections_come_back_equal(
    captured: RunResult, uncaptured: RunResult
) -> None:
    for result in (captured, uncaptured):
        report = json.loads(json.dumps(report_dict(result)))
        assert findings_from_report(report) == result.findings
        assert connections_from_report(report) == result.connections
        assert capture_from_report(report) == result.capture


def test_bytes_never_appear_raw_and_non_finite_floats_become_null() -> None:
    data = jsonable({"raw": b"HTTP/1.0 200 OK\r\n\xff", "rtt": math.inf, "ok": (1, 2.5)})
    assert data == {
        "raw": {"text": "HTTP/1.0 200 OK\r\n\xff", "hex": "485454502f312e3020323030204f4b0d0aff"},
        "rtt": None,
        "ok": [1, 2.5],
    }
    json.dumps(data, allow_nan=False)


def test_a_finding_with_bytes_evidence_reads_back_in_json_form() -> None:
    finding = Finding(
        id="tls.plaintext_injected",
        severity=Severity.PROBLEM,
        title="t",
        user_text="u",
        engineer_text="e",
        wizard="w",
        evidence=(Evidence(text="x", data={"payload": b"\x16\x03"}, timings={"gap": math.nan}),),
    )
    result = RunResult(started_at=1.0, finished_at=2.0, targets=(), findings=(finding,))
    (back,) = findings_from_report(report_dict(result))
    assert back.evidence[0].data == {"payload": {"text": "\x16\x03", "hex": "1603"}}
    assert back.evidence[0].timings == {}


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        (
            {"findings": [{"id": "x.y"}]},
            "report.json is damaged: finding 1: missing field 'severity'",
        ),
        ({"findings": "nope"}, "'findings' is not a list"),
        (
            {
                "findings": [
                    {
                        "id": "x.y",
                        "severity": "fatal",
                        "title": "",
                        "user_text": "",
                        "engineer_text": "",
                        "wizard": "",
                    }
                ]
            },
            "finding 1: 'fatal' is not a valid",
        ),
        ({"findings": [None]}, "finding 1"),
    ],
)
def test_damaged_findings_say_which_one(broken: dict[str, object], message: str) -> None:
    with pytest.raises(BundleError, match=message.replace("(", r"\(").replace(")", r"\)")):
        findings_from_report(broken)


def test_damaged_connection_says_which_one() -> None:
    report = {"connections": [{"id": "a", "client": "x"}]}
    with pytest.raises(BundleError, match="connection 1: missing field 'client_port'"):
        connections_from_report(report)


def test_utc_text() -> None:
    assert utc_text(0.0) == "1970-01-01T00:00:00.000Z"
    assert utc_text(1714555800.1234) == "2024-05-01T09:30:00.123Z"
