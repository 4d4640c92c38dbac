"""The viewer's hop lists, read from a real lab bundle's measurements (typed) and packets."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from tests.analysis.hop_samples import recorded, report_observations
from wiresleuth.gui.hop_view import MAX_LISTS, hop_lists
from wiresleuth.gui.measurements import measurements
from wiresleuth.gui.view_problems import ShapeError
from wiresleuth.model.hop_observations import HopLocatorObservations


def hops(observations: Mapping[str, Any]) -> HopLocatorObservations | None:
    return measurements(observations).of("hops", HopLocatorObservations)


def test_c6_lists_three_hops_and_marks_the_cache_on_hop_2() -> None:
    run = recorded("C6")
    found = hop_lists(hops(report_observations("C6")), run.packets, captured=True)
    [view] = found.lists
    assert view.title == "shop.lab.test:443 (100.64.1.30:443): ClientHello"
    assert view.summary == (
        "The ClientHello is answered by hop 2 (100.64.2.2, router2.lab.test); "
        "the server is 3 hops away."
    )
    assert [(r.hop, r.address, r.name, r.answers, r.destination) for r in view.rows] == [
        (1, "198.18.1.1", "router1.lab.test", False, False),
        (2, "100.64.2.2", "router2.lab.test", True, False),
        (3, "100.64.1.30", "", False, True),
    ]
    assert view.rows[2].rtt.endswith(" ms") and float(view.rows[2].rtt[:-3]) > 90
    assert view.rows[1].seen[0] == "ICMP echo: time exceeded"
    assert view.rows[1].seen[1].startswith("SYN: SYN-ACK after")
    assert ("path.tcp_intercepted", "shop.lab.test:443") in view.findings


def test_without_a_locator_or_a_location_the_note_says_why() -> None:
    assert "did not run" in hop_lists(hops({}), (), captured=False).note
    idle = {"hops": {"locations": [], "note": "no check suspects a device in the path"}}
    assert hop_lists(hops(idle), (), captured=False).note == (
        "No connection was located in this run: no check suspects a device in the path."
    )


def test_a_bundle_claiming_thousands_of_locations_lists_a_few() -> None:
    location = report_observations("mss-clamp")["hops"]["locations"][0]  # type: ignore[index]
    many = {"hops": {"locations": [location] * (MAX_LISTS + 7), "error_queue": True}}
    found = hop_lists(hops(many), (), captured=False)
    assert len(found.lists) == MAX_LISTS
    assert found.note == "7 more located connections are not listed."


def test_measurements_of_another_shape_say_where() -> None:
    with pytest.raises(ShapeError, match="HopLocatorObservations: expected an object, got 'x'"):
        hops({"hops": "x"})
    with pytest.raises(ShapeError, match=r"locations\[0\].request: missing"):
        hops({"hops": {"locations": [{}]}})


def test_a_list_located_past_a_silence_in_a_stop_says_it_is_not_located() -> None:
    """The viewer reads the run's stalls as the findings do: no hop marked as answering."""
    from tests.analysis.test_hop_findings import silence_then_answer, stopped_at

    obs = silence_then_answer()
    [calm] = hop_lists(obs, (), captured=False).lists
    assert calm.summary.startswith("The SYN is answered by hop 3")
    [stopped] = hop_lists(obs, (), captured=False, stops=stopped_at(1003.0, 1006.0)).lists
    assert stopped.summary.startswith("Not located: the hop locator's SYN with TTL 2")
    assert not any(row.answers or row.destination for row in stopped.rows)
