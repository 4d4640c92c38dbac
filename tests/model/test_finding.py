"""The frames a finding, or an addition to one, points the packet list at."""

from __future__ import annotations

from wiresleuth.model.finding import Evidence, Finding, Severity, cited_packets
from wiresleuth.model.finding_addition import FindingAddition

FACTS = (
    Evidence(text="ClientHello sent", packets=(7, 3)),
    Evidence(text="no answer"),
    Evidence(text="reset", packets=(3, 12, 7)),
)


def test_frames_are_listed_once_in_the_order_first_cited() -> None:
    assert cited_packets(FACTS) == (7, 3, 12)
    assert cited_packets(()) == ()


def test_a_finding_and_an_addition_cite_the_same_way() -> None:
    finding = Finding(
        id="tls.reset_after_client_hello", severity=Severity.PROBLEM, title="t",
        user_text="u", engineer_text="e", wizard="tls", evidence=FACTS,
    )  # fmt: skip
    addition = FindingAddition(id=finding.id, target=None, wizard="hops", evidence=FACTS)
    assert finding.packets == addition.packets == (7, 3, 12)
