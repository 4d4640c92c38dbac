"""Check statuses round-trip through report.json; an unknown shape is unknown, not a pass."""

from __future__ import annotations

from typing import Any

import pytest

from wiresleuth.model.check_status import (
    AddressStatus,
    CheckStatus,
    Status,
    load_statuses,
    status_dict,
)

ROW = CheckStatus(
    check="proxy", title="Proxy path", target="a.example:443", status=Status.NOT_TESTED,
    reason="no proxy is known", findings=("x.y",),
)  # fmt: skip


def test_round_trip() -> None:
    assert load_statuses([status_dict(ROW)]) == (ROW,)
    whole = CheckStatus(check="pac", title="PAC", target=None, status=Status.PASSED)
    assert load_statuses([status_dict(whole)]) == (whole,)


def test_round_trip_with_addresses_and_without() -> None:
    """Issue 16: a row may list its target's addresses; rows of older bundles have none."""
    several = CheckStatus(
        check="tls", title="TLS", target="p.example:443", status=Status.PROBLEM, reason="x",
        addresses=(
            AddressStatus(address="10.0.0.7", status=Status.PROBLEM, reason="reset"),
            AddressStatus(address="2001:db8::8", status=Status.PASSED),
        ),
    )  # fmt: skip
    written = status_dict(several)
    assert written["addresses"][1] == {"address": "2001:db8::8", "status": "passed", "reason": ""}
    assert load_statuses([written]) == (several,)
    assert "addresses" not in status_dict(ROW)
    bad = {**written, "addresses": [{"address": "10.0.0.7", "status": "green"}]}
    assert load_statuses([bad]) is None
    assert several.addresses[0].shown == "10.0.0.7: problem: reset"


def test_absent_is_none_and_empty_is_empty() -> None:
    assert load_statuses(None) is None
    assert load_statuses([]) == ()


@pytest.mark.parametrize(
    "change",
    [
        {"status": "green"},
        {"status": None},
        {"check": 3},
        {"target": 443},
        {"reason": None},
        {"findings": "x.y"},
        {"findings": [1]},
    ],
)
def test_one_unreadable_row_makes_the_table_unknown(change: dict[str, Any]) -> None:
    assert load_statuses([status_dict(ROW), {**status_dict(ROW), **change}]) is None
    assert load_statuses(["row"]) is None
