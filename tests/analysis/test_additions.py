"""What one check adds to another's finding is joined to it, and only to it."""

from __future__ import annotations

from wiresleuth.analysis.additions import add_to_findings
from wiresleuth.model.finding import Evidence, Finding, Severity
from wiresleuth.model.finding_addition import FindingAddition


def _finding(fid: str, target: str | None, wizard: str = "tls") -> Finding:
    return Finding(
        id=fid, severity=Severity.PROBLEM, title="t", user_text="It is reset.",
        engineer_text="RST after 3 s.", wizard=wizard, target=target,
        evidence=(Evidence(text="RST", packets=(4,)),), values={"seconds": 3.1},
    )  # fmt: skip


def _addition(fid: str, target: str | None) -> FindingAddition:
    return FindingAddition(
        id=fid, target=target, wizard="hops", user_text="The reset comes from hop 2.",
        engineer_text="TTL 2 got the reset.",
        evidence=(Evidence(text="ClientHello with TTL 2: reset", packets=(9, 10)),),
        values={"answer_hop": 2, "seconds": 99},
    )  # fmt: skip


def test_an_addition_joins_the_finding_with_its_id_and_target() -> None:
    findings = [_finding("tls.reset_after_client_hello", "a:443"), _finding("x.other", "a:443")]
    joined, unmatched = add_to_findings(
        findings, [_addition("tls.reset_after_client_hello", "a:443")]
    )
    assert unmatched == []
    reset, other = joined
    assert reset.user_text == "It is reset. The reset comes from hop 2."
    assert reset.engineer_text == "RST after 3 s. TTL 2 got the reset."
    assert [e.text for e in reset.evidence] == ["RST", "ClientHello with TTL 2: reset"]
    assert reset.values == {"seconds": 3.1, "answer_hop": 2}  # the finding's own keys win
    assert reset.wizard == "tls+hops" and reset.packets == (4, 9, 10)
    assert other == findings[1]


def test_an_addition_for_a_finding_not_concluded_is_returned_unmatched() -> None:
    findings = [_finding("tls.reset_after_client_hello", "a:443")]
    addition = _addition("tls.reset_after_client_hello", "b:443")
    joined, unmatched = add_to_findings(findings, [addition])
    assert joined == findings and unmatched == [addition]
    assert addition.packets == (9, 10)


def test_a_finding_already_merged_keeps_its_wizards_once() -> None:
    merged = _finding("path.tcp_intercepted", "a:443", wizard="tls+hops")
    joined, _ = add_to_findings([merged], [_addition("path.tcp_intercepted", "a:443")])
    assert joined[0].wizard == "tls+hops"
