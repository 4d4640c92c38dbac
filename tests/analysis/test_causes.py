"""Findings that explain each other are one cause: every finding kept, the headline counts causes."""

from __future__ import annotations

from wiresleuth.analysis.causes import cause_index, count_causes, group_causes
from wiresleuth.model.catalogue import CATALOGUE
from wiresleuth.model.finding import Finding, Severity


def _f(
    fid: str, severity: Severity | None = None, target: str | None = "chat.lab.test:443"
) -> Finding:
    return Finding(
        id=fid,
        severity=severity or CATALOGUE[fid].severity,
        title=fid,
        user_text="u",
        engineer_text="e",
        wizard="w",
        target=target,
    )


def test_a_qos_policer_explains_the_lost_packets_the_mark_and_the_path_mtu() -> None:
    found = [
        _f("mtu.path_mtu"),
        _f("path.dscp_marked", Severity.PROBLEM),
        _f("path.large_packet_loss"),
        _f("path.qos_policing"),
        _f("pac.not_configured", target=None),
    ]
    causes = group_causes(found)
    assert [c.finding.id for c in causes] == ["path.qos_policing", "pac.not_configured"]
    assert [f.id for f in causes[0].supporting] == [
        "path.large_packet_loss",
        "path.dscp_marked",
        "mtu.path_mtu",
    ]
    assert count_causes(causes) == {"problem": 1, "warning": 0, "info": 1}


def test_every_finding_appears_once() -> None:
    found = [_f(fid) for fid in CATALOGUE]
    causes = group_causes(found)
    listed = [f for c in causes for f in c.findings]
    assert sorted(map(id, listed)) == sorted(map(id, found))


def test_chains_end_at_the_cause_at_the_top() -> None:
    # the policer explains the lost packets, which explain the missing ServerHello
    causes = group_causes(
        [_f("tls.no_server_hello"), _f("path.large_packet_loss"), _f("path.qos_policing")]
    )
    assert len(causes) == 1
    assert causes[0].finding.id == "path.qos_policing"
    assert {f.id for f in causes[0].supporting} == {"tls.no_server_hello", "path.large_packet_loss"}


def test_a_cause_explains_only_its_own_target_but_a_run_wide_one_every_target() -> None:
    other = _f("path.large_packet_loss", target="news.lab.test:443")
    causes = group_causes([_f("path.qos_policing"), other])
    assert [c.finding.id for c in causes] == ["path.qos_policing", "path.large_packet_loss"]
    offline = group_causes(
        [
            _f("net.no_connectivity", target=None),
            _f("dns.resolution_failed", target="a.example:443"),
            _f("dns.resolution_failed", target="b.example:443"),
        ]
    )
    assert len(offline) == 1 and len(offline[0].supporting) == 2


def test_a_run_wide_symptom_joins_a_cause_on_a_target() -> None:
    causes = group_causes(
        [_f("tls.reset_after_client_hello"), _f("net.gateway_vendor", target=None)]
    )
    assert len(causes) == 1
    assert causes[0].supporting[0].id == "net.gateway_vendor"


def test_the_group_is_as_severe_as_its_worst_finding() -> None:
    causes = group_causes([_f("tls.inspected_by_proxy"), _f("tls.certificate_invalid")])
    assert causes[0].finding.id == "tls.inspected_by_proxy"
    assert causes[0].severity is Severity.PROBLEM


def test_remarks_about_the_run_are_not_causes_of_trouble() -> None:
    causes = group_causes(
        [
            _f("capture.unavailable", target=None),
            _f("probe.failed", target=None),
            _f("path.direct_blocked"),
        ]
    )
    assert len(causes) == 3
    assert [c.about_the_run for c in causes] == [False, True, True]
    assert count_causes(causes) == {"problem": 1, "warning": 0, "info": 0}


def test_a_loop_of_explanations_ends() -> None:
    # pac.unexpected_answer -> path.unexpected_handshake -> path.forged_http_response; two
    # findings of the same ID never explain each other
    found = [
        _f("path.forged_http_response"),
        _f("path.unexpected_handshake"),
        _f("pac.unexpected_answer"),
    ]
    causes = group_causes(found)
    assert [c.finding.id for c in causes] == ["pac.unexpected_answer"]
    assert len(group_causes([_f("path.direct_blocked"), _f("path.direct_blocked")])) == 2


def test_unknown_ids_stand_alone() -> None:
    causes = group_causes([_f("path.qos_policing"), _f("future.finding", Severity.WARNING)])
    assert len(causes) == 2


def test_the_report_lists_causes_by_position() -> None:
    found = (
        _f("path.qos_policing"),
        _f("path.large_packet_loss"),
        _f("pac.not_configured", target=None),
    )
    causes = group_causes(found)
    assert cause_index(causes, found) == [
        {"finding": 0, "supporting": [1], "severity": "problem", "about_the_run": False},
        {"finding": 2, "supporting": [], "severity": "info", "about_the_run": False},
    ]


def test_every_relation_names_catalogued_ids() -> None:
    for spec in CATALOGUE.values():
        assert set(spec.explains) <= set(CATALOGUE), spec.id
        assert spec.id not in spec.explains
