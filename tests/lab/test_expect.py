"""The expectation checker, on report findings as the program writes them."""

from typing import Any

import pytest

from wiresleuth.lab.expect import Expectations, ValueCheck, check
from wiresleuth.lab.params import ParamError


def finding(fid: str, severity: str = "problem", **values: Any) -> dict[str, Any]:
    return {"id": fid, "severity": severity, "target": "x.lab.test:443", "values": values}


C1_REPORT = [
    finding("path.large_packet_loss", small_mss_ok=True),
    finding("path.dscp_marked", "warning", dscp=46),
    finding("tls.no_server_hello"),
    finding("net.gateway_vendor", "info", vendor="Dell Inc."),
]


def test_top_is_compared_as_a_set_of_the_first_findings() -> None:
    expect = Expectations(top=("path.dscp_marked", "path.large_packet_loss"))
    assert check(expect, C1_REPORT, 1) == []
    late = Expectations(top=("path.large_packet_loss", "tls.no_server_hello"))
    [failure] = check(late, C1_REPORT, 1)
    assert "top findings ['path.large_packet_loss', 'path.dscp_marked']" in failure


def test_includes_and_excludes() -> None:
    expect = Expectations(includes=("capture.unavailable",), excludes=("tls.no_server_hello",))
    assert check(expect, C1_REPORT, 1) == [
        "missing finding capture.unavailable",
        "unexpected finding tls.no_server_hello",
    ]


def test_max_severity_spares_the_expected_findings() -> None:
    report = [finding("capture.unavailable", "warning"), finding("net.gateway_vendor", "info")]
    assert (
        check(Expectations(max_severity="info", includes=("capture.unavailable",)), report, 0) == []
    )
    [failure] = check(Expectations(max_severity="info"), report, 0)
    assert failure == "finding capture.unavailable is warning, above info"


def test_unknown_severity_never_passes_a_bound() -> None:
    assert check(Expectations(max_severity="problem"), [finding("x", "fatal")], 1)


@pytest.mark.parametrize(
    ("value_check", "ok"),
    [
        (ValueCheck(id="path.dscp_marked", key="dscp", equals=46), True),
        (ValueCheck(id="path.dscp_marked", key="dscp", equals=34), False),
        (ValueCheck(id="path.dscp_marked", key="dscp", approx=45.6, tolerance=0.5), True),
        (ValueCheck(id="path.dscp_marked", key="dscp", approx=45.0, tolerance=0.5), False),
        (ValueCheck(id="net.gateway_vendor", key="vendor", contains="Dell"), True),
        (ValueCheck(id="net.gateway_vendor", key="vendor", contains="F5"), False),
        (ValueCheck(id="net.gateway_vendor", key="mac", contains="00"), False),
        (
            ValueCheck(id="tls.reset_after_client_hello", key="seconds", approx=3, tolerance=1),
            False,
        ),
    ],
)
def test_value_checks(value_check: ValueCheck, ok: bool) -> None:
    failures = check(Expectations(values=(value_check,)), C1_REPORT, 1)
    assert (failures == []) is ok
    if not ok:
        assert failures[0].startswith(value_check.describe())


def test_approx_refuses_booleans_and_text() -> None:
    approx = ValueCheck(id="a", key="k", approx=1.0, tolerance=0.5)
    assert not approx.holds(True)
    assert not approx.holds("1.0")
    assert approx.holds(1)


def test_value_check_reports_what_it_saw() -> None:
    vc = ValueCheck(id="tls.reset_after_client_hello", key="seconds", approx=3.1, tolerance=0.5)
    report = [finding("tls.reset_after_client_hello", seconds=5.0)]
    assert check(Expectations(values=(vc,)), report, 1) == [
        "tls.reset_after_client_hello.values.seconds ≈ 3.1 ± 0.5: got 5.0"
    ]


def test_exit_codes() -> None:
    assert check(Expectations(), [], 2) == ["the program exited 2 (could not run)"]
    assert check(Expectations(exit_code=0), [], 1) == ["exit code 1, expected 0"]
    assert check(Expectations(), [], 1) == []


def test_expectations_refuse_contradictions() -> None:
    with pytest.raises(ParamError, match="excludes"):
        Expectations(top=("a",), excludes=("a",))
    with pytest.raises(ParamError, match="max_severity"):
        Expectations(max_severity="fatal")
    with pytest.raises(ParamError, match="exactly one of"):
        ValueCheck(id="a", key="k", equals=1, contains="1")
