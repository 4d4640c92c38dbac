"""dns.server_failure and dns.no_answer on scripted lookups, from both sources."""

from __future__ import annotations

from pathlib import Path

from tests.analysis.both_ways import (
    RESOLVER,
    T0,
    dns_answer,
    dns_query,
    findings_both_ways,
    ids,
    only,
)
from wiresleuth.model.finding import Severity

OTHER = "198.18.0.54"


def test_servfail_that_nothing_made_good(tmp_path: Path) -> None:
    query, message = dns_query(1, T0, "app.example.test.")
    answer = dns_answer(2, T0 + 0.03, message, rcode=2)
    finding = only(findings_both_ways([query, answer], tmp_path), "dns.server_failure")
    assert finding.target == RESOLVER and finding.severity is Severity.WARNING
    assert finding.values["rcodes"] == ["SERVFAIL"] and finding.packets == (1, 2)


def test_refused_and_a_failure_another_server_made_good(tmp_path: Path) -> None:
    q1, m1 = dns_query(1, T0, "app.example.test.", ident=1)
    q2, m2 = dns_query(3, T0 + 0.1, "app.example.test.", ident=2, server=OTHER)
    records = [q1, dns_answer(2, T0 + 0.01, m1, rcode=5), q2]
    refused = only(findings_both_ways(records, tmp_path), "dns.server_failure")
    assert refused.values["rcodes"] == ["REFUSED"]
    records.append(dns_answer(4, T0 + 0.12, m2, addresses=("198.19.0.9",), server=OTHER))
    assert findings_both_ways(records, tmp_path) == ()


def test_reverse_lookups_that_fail_are_only_info(tmp_path: Path) -> None:
    query, message = dns_query(1, T0, "9.0.19.198.in-addr.arpa.", qtype="PTR")
    finding = only(
        findings_both_ways([query, dns_answer(2, T0 + 0.02, message, rcode=2)], tmp_path),
        "dns.server_failure",
    )
    assert finding.severity is Severity.INFO


def test_a_lookup_asked_again_and_never_answered(tmp_path: Path) -> None:
    records = [dns_query(n, T0 + (n - 1) * 1.0, "app.example.test.", ident=n)[0] for n in (1, 2, 3)]
    finding = only(findings_both_ways(records, tmp_path), "dns.no_answer")
    assert finding.target == RESOLVER and finding.values["queries"] == 3
    assert finding.values["answers_others"] is False and finding.packets == (1, 2, 3)


def test_one_query_just_before_the_end_or_one_another_server_answered_is_quiet(
    tmp_path: Path,
) -> None:
    once = [dns_query(1, T0, "app.example.test.")[0]]
    assert findings_both_ways(once, tmp_path) == ()
    q1 = dns_query(1, T0, "app.example.test.", ident=1)[0]
    q2 = dns_query(2, T0 + 1.0, "app.example.test.", ident=2)[0]
    q3, m3 = dns_query(3, T0 + 1.0, "app.example.test.", ident=3, server=OTHER)
    answered = [q1, q2, q3, dns_answer(4, T0 + 1.02, m3, addresses=("198.19.0.9",), server=OTHER)]
    assert "dns.no_answer" not in ids(findings_both_ways(answered, tmp_path))


def test_made_up_names_of_any_shape_answered_with_an_address(tmp_path: Path) -> None:
    query, message = dns_query(1, T0, "3439ur09dhiolh32ljha.net.")
    answer = dns_answer(2, T0 + 0.02, message, addresses=("100.64.1.80",))
    finding = only(findings_both_ways([query, answer], tmp_path), "dns.nxdomain_rewritten")
    assert finding.values["names"] == ["3439ur09dhiolh32ljha.net."]
    assert "letters and digits alternate" in finding.evidence[0].text


def test_the_same_answer_for_names_that_cannot_all_exist(tmp_path: Path) -> None:
    records = []
    for n, name in enumerate(("abefihol.", "ugotelka.", "ximbarouq."), start=1):
        query, message = dns_query(2 * n - 1, T0 + n, name, ident=n)
        records += [query, dns_answer(2 * n, T0 + n + 0.01, message, addresses=("100.64.1.80",))]
    finding = only(findings_both_ways(records, tmp_path), "dns.nxdomain_rewritten")
    assert len(finding.values["names"]) == 3
    # one such name alone proves nothing: it may be a host of the local network
    assert findings_both_ways(records[:2], tmp_path) == ()


def test_aliases_of_one_domain_with_one_address_are_a_cdn(tmp_path: Path) -> None:
    records = []
    for n, name in enumerate(("a.espncdn.com.", "a1.espncdn.com.", "a2.espncdn.com."), start=1):
        query, message = dns_query(2 * n - 1, T0 + n, name, ident=n)
        records += [query, dns_answer(2 * n, T0 + n + 0.01, message, addresses=("198.19.9.9",))]
    assert findings_both_ways(records, tmp_path) == ()
