import os
import socket
from pathlib import Path

import pytest
import trustme

from tests.gui.conftest import loopback_profile
from tests.probes.loopback_servers import LoopbackServer, reset_after, tls_ok
from wiresleuth.engine import Engine
from wiresleuth.gui.compare_model import Change, compare_documents, figures_differ
from wiresleuth.gui.document import Document, document_from_result
from wiresleuth.gui.path_figures import Figure
from wiresleuth.wizards.registry import all_wizards


@pytest.fixture
def bad_and_good_day(ca: trustme.CA) -> tuple[Document, Document]:
    """The same site on a bad day (reset after the ClientHello) and on a good day."""
    behaviour = {"now": reset_after(0.4)}

    def today(conn: socket.socket) -> None:
        behaviour["now"](conn)

    with LoopbackServer(today) as server:
        profile = loopback_profile(f"localhost:{server.port}")
        capture = os.geteuid() == 0
        bad = Engine(profile, all_wizards(), capture=capture).run()
        behaviour["now"] = tls_ok(ca)
        good = Engine(profile, all_wizards(), capture=capture).run()
    return document_from_result(bad, "bad day"), document_from_result(good, "good day")


def test_the_bad_days_finding_and_outcome_differ_the_address_does_not(
    bad_and_good_day: tuple[Document, Document],
) -> None:
    bad, good = bad_and_good_day
    comparison = compare_documents(bad, good)
    rows = {(r.id, r.change) for r in comparison.findings}
    assert ("tls.reset_after_client_hello", Change.ONLY_A) in rows
    assert comparison.findings[0].change is not Change.SAME  # differences come first
    figures = {(f.group, f.name): f for f in comparison.figures}
    target = bad.findings[0].target
    outcome = figures[(str(target), "default: outcome")]
    assert (outcome.a and outcome.a.value, outcome.b and outcome.b.value) == ("reset", "ok")
    assert outcome.change is Change.DIFFERENT
    assert figures[(str(target), "address")].change is Change.SAME
    assert figures[(str(target), "default: reset after ClientHello")].change is Change.ONLY_A
    assert figures[(str(target), "default: TLS handshake")].change is Change.ONLY_B
    assert comparison.differences >= 4


def test_jitter_is_not_a_difference() -> None:
    def ms(value: float) -> Figure:
        return Figure(group="t", name="path RTT", value=value, unit="ms")

    assert not figures_differ(ms(100.0), ms(104.0))  # within 5 ms
    assert not figures_differ(ms(100.0), ms(120.0))  # within 25 %
    assert figures_differ(ms(100.0), ms(140.0))
    assert figures_differ(ms(0.3), ms(101.2))  # C6: intercepted vs real path
    text = Figure(group="t", name="DSCP from server", value="EF (46)")
    assert figures_differ(text, Figure(group="t", name="DSCP from server", value="CS0 (0)"))


def test_a_document_compared_with_itself_has_no_difference(tmp_path: Path) -> None:
    from tests.gui.conftest import SAMPLE_BUNDLE
    from wiresleuth.gui.document import load_document

    doc = load_document(SAMPLE_BUNDLE)
    comparison = compare_documents(doc, doc)
    assert comparison.differences == 0
    assert all(r.change is Change.SAME for r in comparison.findings)


def test_connections_line_up_by_what_they_were_for() -> None:
    from dataclasses import replace

    from tests.gui.lab_samples import lab_bundle
    from wiresleuth.gui.compare_model import (
        ALIGNED_ZERO,
        aligned_lanes,
        connection_key,
        pair_connections,
    )
    from wiresleuth.gui.document import load_document

    c8 = load_document(lab_bundle("C8"))
    assert connection_key(c8.connections[0]) == "TLS default to portal.lab.test:443"  # ": reset" gone
    # The same site another day: the default handshake went well, and one lane is missing.
    other = [replace(c8.connections[0], label="TLS default to portal.lab.test:443: ok")]
    other += [c for c in c8.connections[1:] if "round 2" not in c.label]
    pairs = pair_connections(c8.connections, other)
    assert pairs[0].key == "TLS default to portal.lab.test:443" and (pairs[0].a, pairs[0].b) == (0, 0)
    alone = [p for p in pairs if p.b is None]
    assert [c8.connections[p.a].label for p in alone if p.a is not None] == [
        c.label for c in c8.connections if "round 2" in c.label
    ]
    lanes, where = aligned_lanes(c8, c8, pair_connections(c8.connections, c8.connections))
    assert len(lanes) == 2 * len(c8.connections)
    assert lanes[0].label.startswith("A: ") and lanes[1].label.startswith("B: ")
    assert all(lane.start == ALIGNED_ZERO for lane in lanes)
    first = c8.connections[0]
    assert lanes[0].events[-1].time - ALIGNED_ZERO == first.events[-1].time - first.start
    assert where[:2] == [(0, "A", 0), (0, "B", 0)]


def test_figures_list_differences_first() -> None:
    from tests.gui.lab_samples import lab_bundle
    from wiresleuth.gui.document import load_document

    comparison = compare_documents(load_document(lab_bundle("C8")), load_document(lab_bundle("C1")))
    changes = [row.change is Change.SAME for row in comparison.figures]
    assert changes == sorted(changes)  # every difference before the first "same"
