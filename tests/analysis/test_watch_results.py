"""One attempt's result per target and address: outcomes, signatures, facts (pure)."""

from dataclasses import replace

from wiresleuth.analysis.watch_results import AttemptMaterial, results_of
from wiresleuth.model.engine_observations import EngineObservations
from wiresleuth.model.finding import Evidence, Finding, Severity
from wiresleuth.model.observations import (
    ConnectObservation,
    GatewayObservation,
    ResolveObservation,
    TlsAddressObservation,
    TlsObservation,
    TlsTargetObservation,
    TlsWizardObservations,
)

T = "portal.lab.test:443"


def handshake(address: str, outcome: str) -> TlsTargetObservation:
    attempt = TlsObservation(
        target=T, sni="portal.lab.test", purpose="default",
        connect=ConnectObservation(address=address, port=443, started_at=1.0),
        outcome=outcome, ended_at=2.0,
    )  # fmt: skip
    return TlsTargetObservation(target=T, address=address, attempts=(attempt,), route="direct")


def finding(fid: str, severity: Severity, *addresses: str, target: str = T) -> Finding:
    return Finding(id=fid, severity=severity, title=fid, user_text="u", engineer_text="e",
                   wizard="tls", target=target,
                   evidence=(Evidence(text="x", addresses=addresses),))  # fmt: skip


ENGINE = EngineObservations(
    targets={T: "portal.lab.test", "gone.lab.test:443": "gone.lab.test"},
    lookups=(
        ResolveObservation(host="portal.lab.test", addresses=("100.64.1.7", "100.64.1.9"),
                           started_at=0.0, elapsed=0.01),
        ResolveObservation(host="gone.lab.test", addresses=(), started_at=0.0, elapsed=0.01,
                           error="NXDOMAIN"),
    ),
)  # fmt: skip
TLS = TlsWizardObservations(
    targets=(handshake("100.64.1.7", "ok"), handshake("100.64.1.9", "reset")),
    gateway=GatewayObservation(address="198.18.0.1", interface="eth0", mac="02:00:00:00:00:01"),
)
SYSTEM = {"interfaces": [{"name": "lo", "up": True}, {"name": "eth0", "up": True},
                         {"name": "tun0", "up": False}]}  # fmt: skip


def test_each_address_has_its_result_and_the_finding_that_cites_it() -> None:
    findings = [
        finding("net.gateway_vendor", Severity.INFO, "100.64.1.9:443"),
        finding("tls.reset_after_client_hello", Severity.PROBLEM, "100.64.1.9:443"),
        finding("tls.fatal_alert", Severity.WARNING, "100.64.1.7:443"),
    ]
    material = AttemptMaterial(findings=findings, engine=ENGINE, tls=TLS, system=SYSTEM)
    got = {(r.target, r.address): (r.ok, r.outcome, r.signature) for r, _ in results_of(material)}
    assert got == {
        (T, "100.64.1.7"): (True, "ok", ""),
        (T, "100.64.1.9"): (False, "reset", "tls.reset_after_client_hello"),
        ("gone.lab.test:443", ""): (False, "no address", "outcome:no address"),
    }
    context = results_of(material)[1][1]
    assert context.route == "direct" and context.dns_answer == ("100.64.1.7", "100.64.1.9")
    assert (context.gateway_mac, context.interface, context.interfaces_up) == (
        "02:00:00:00:00:01", "eth0", ("eth0",))  # fmt: skip


def test_without_a_finding_the_outcome_is_the_signature() -> None:
    material = AttemptMaterial(findings=[], engine=ENGINE, tls=TLS, system=SYSTEM)
    failed = [r for r, _ in results_of(material) if not r.ok]
    assert [r.signature for r in failed] == ["outcome:reset", "outcome:no address"]


def test_a_finding_about_the_target_that_cites_no_address_still_names_it() -> None:
    findings = [finding("path.large_packet_loss", Severity.PROBLEM)]
    material = AttemptMaterial(findings=findings, engine=ENGINE, tls=TLS)
    failed = next(r for r, _ in results_of(material) if r.address == "100.64.1.9")
    assert failed.signature == "path.large_packet_loss"


def test_a_site_no_handshake_tests_has_its_name_lookup_as_result() -> None:
    engine = EngineObservations(
        targets={"intranet.lab.test:80": "intranet.lab.test"},
        lookups=(
            ResolveObservation(
                host="intranet.lab.test", addresses=("100.64.1.5",), started_at=0, elapsed=0
            ),
        ),
    )
    ((result, context),) = results_of(AttemptMaterial(findings=[], engine=engine))
    assert (result.target, result.address, result.ok, result.outcome) == (
        "intranet.lab.test:80",
        "",
        True,
        "resolved",
    )
    assert context.dns_answer == ("100.64.1.5",)


def test_a_name_observed_over_its_addresses_has_a_result_per_address() -> None:
    """The TLS wizard's shape (one observation per name, the others in ``other_addresses``):
    each address its own result; a finding over several addresses (it names the failing ones
    and cites the working ones as "the others") is the signature of the failing one only,
    and not of an address that failed in another way."""
    first = handshake("100.64.1.7", "ok")
    others = tuple(
        TlsAddressObservation(address=a, attempts=handshake(a, outcome).attempts)
        for a, outcome in (("100.64.1.8", "reset"), ("100.64.1.9", "timeout"))
    )
    name = replace(first, other_addresses=others)
    reset = replace(
        finding("tls.reset_after_client_hello", Severity.PROBLEM, "100.64.1.8:443"),
        evidence=(
            Evidence(text="100.64.1.8: reset", addresses=("100.64.1.8:443",)),
            Evidence(text="100.64.1.7: completed", addresses=("100.64.1.7",)),
            Evidence(text="100.64.1.9: timed out", addresses=("100.64.1.9",)),
        ),
        values={"addresses_failing": ["100.64.1.8"], "failing": 1, "tested": 3},
    )
    material = AttemptMaterial(findings=[reset], tls=TlsWizardObservations(targets=(name,)))
    got = {(r.address, r.ok, r.signature) for r, _ in results_of(material)}
    assert got == {
        ("100.64.1.7", True, ""),
        ("100.64.1.8", False, "tls.reset_after_client_hello"),
        ("100.64.1.9", False, "outcome:timeout"),
    }
