from wiresleuth.analysis.merge import merge_same_findings
from wiresleuth.model.finding import Evidence, Finding, Severity


def finding(
    wizard: str, severity: Severity, *evidence: str, target: str = "a:443", **values: object
) -> Finding:
    return Finding(
        id="path.dscp_marked",
        severity=severity,
        title=wizard,
        user_text="u",
        engineer_text="e",
        wizard=wizard,
        target=target,
        evidence=tuple(Evidence(text=t, packets=(1,)) for t in evidence),
        values=values,
    )


def test_same_id_and_target_merge_with_the_most_severe_leading() -> None:
    merged = merge_same_findings(
        [
            finding(
                "dscp", Severity.WARNING, "DSCP 46 on 20 packets", "SYN-ACK EF", dscp=46, seen=20
            ),
            finding(
                "tls", Severity.PROBLEM, "SYN-ACK EF", "lost ones are marked", dscp=46, lost=True
            ),
        ]
    )
    assert len(merged) == 1
    one = merged[0]
    assert one.severity is Severity.PROBLEM and one.title == "tls"
    assert [e.text for e in one.evidence] == [
        "DSCP 46 on 20 packets",
        "SYN-ACK EF",
        "lost ones are marked",
    ]
    assert one.values == {"dscp": 46, "seen": 20, "lost": True}
    assert one.wizard == "dscp+tls"


def test_other_targets_and_ids_stay_apart() -> None:
    found = merge_same_findings(
        [
            finding("tls", Severity.WARNING, "x"),
            finding("tls", Severity.WARNING, "x", target="b:1"),
        ]
    )
    assert len(found) == 2
