from wiresleuth.analysis.connectivity import missing_basics, no_connectivity
from wiresleuth.model.connectivity import ConnectivityObservation, ResolverCheck
from wiresleuth.model.finding import Severity
from wiresleuth.model.observations import ResolveObservation


def _failed(host: str) -> ResolveObservation:
    return ResolveObservation(
        host=host, addresses=(), started_at=0.0, elapsed=0.01, error="Name or service not known"
    )


DEAD_DNS = (ResolverCheck(server="198.18.0.53", answered=False, outcome="timeout"),)


def test_no_default_route_is_one_finding_with_every_lookup_as_evidence() -> None:
    check = ConnectivityObservation(default_route=False, resolvers=DEAD_DNS)
    finding = no_connectivity([_failed("www.lab.test"), _failed("www.google.com")], check)
    assert finding is not None and finding.id == "net.no_connectivity"
    assert finding.severity is Severity.PROBLEM
    assert "no default route" in finding.user_text and "spelling" not in finding.user_text
    assert finding.values["targets"] == ["www.lab.test", "www.google.com"]
    assert any("www.google.com" in e.text for e in finding.evidence)


def test_a_silent_gateway_and_dead_resolvers_are_named() -> None:
    check = ConnectivityObservation(
        default_route=True, gateway="198.18.1.1", gateway_answers=False, resolvers=DEAD_DNS
    )
    assert missing_basics(check) == [
        "no DNS server answers (198.18.0.53)",
        "the gateway 198.18.1.1 does not answer",
    ]


def test_one_bad_name_among_good_ones_is_not_an_outage() -> None:
    check = ConnectivityObservation(default_route=False)
    good = ResolveObservation(host="ok.lab.test", addresses=("100.64.1.10",), started_at=0, elapsed=0)
    assert no_connectivity([good, _failed("typo.lab.test")], check) is None


def test_working_basics_leave_the_lookup_failures_to_speak_for_themselves() -> None:
    check = ConnectivityObservation(
        default_route=True,
        gateway="198.18.1.1",
        gateway_answers=True,
        resolvers=(ResolverCheck(server="198.18.0.53", answered=True, outcome="NXDOMAIN"),),
    )
    assert no_connectivity([_failed("typo.lab.test")], check) is None
