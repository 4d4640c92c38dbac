"""The watch's TLS check on every address of a name: real loopback servers on one port, one
address resets after the ClientHello. Its observations have the full run's shape, so the TLS
interpretation says "1 of 3 addresses", and the watch's line says the same."""

from __future__ import annotations

import asyncio
import time

import trustme

from tests.diagnosis.recordings import run_of
from tests.probes.loopback_servers import reset_after, tls_ok, unused_port
from tests.wizards.test_tls_handshake_addresses import Recorder, given, servers
from wiresleuth.analysis.tls_wizard_findings import analyse_tls_wizard
from wiresleuth.analysis.watch_results import AttemptMaterial, results_of
from wiresleuth.analysis.watch_words import attempt_words
from wiresleuth.diagnosis.diagnose import diagnose
from wiresleuth.model.finding import Finding
from wiresleuth.model.observations import TlsWizardObservations
from wiresleuth.model.watch import WatchAttempt
from wiresleuth.wizards.watch_tls import MAX_ADDRESSES, WatchTlsWizard


def test_one_address_of_three_resets_and_every_text_says_1_of_3(ca: trustme.CA) -> None:
    addresses = ("127.0.0.21", "127.0.0.22", "127.0.0.23")
    with servers(
        ("127.0.0.21", tls_ok(ca, "pool.test")),
        ("127.0.0.22", reset_after(0.2)),
        ("127.0.0.23", tls_ok(ca, "pool.test")),
    ) as port:
        obs = asyncio.run(WatchTlsWizard().run(given(port, *addresses), Recorder()))
    assert isinstance(obs, TlsWizardObservations)
    (name,) = obs.targets  # one observation for the name, as the TLS wizard makes it
    assert name.address == "127.0.0.21"
    assert [a.address for a in name.other_addresses] == ["127.0.0.22", "127.0.0.23"]
    assert {a.address: a.attempts[0].outcome for a in name.by_address()} == {
        "127.0.0.21": "ok", "127.0.0.22": "reset", "127.0.0.23": "ok",
    }  # fmt: skip

    findings, _labels = analyse_tls_wizard(obs, [])
    (reset,) = [f for f in findings if f.id == "tls.reset_after_client_hello"]
    assert reset.title == (
        f"1 of 3 addresses of pool.test:{port} resets after the ClientHello: 127.0.0.22"
    )
    assert (reset.values["failing"], reset.values["tested"]) == (1, 3)

    results = [r for r, _ in results_of(AttemptMaterial(findings=findings, tls=obs))]
    assert {(r.address, r.ok, r.signature) for r in results} == {
        ("127.0.0.21", True, ""),
        ("127.0.0.22", False, "tls.reset_after_client_hello"),
        ("127.0.0.23", True, ""),
    }
    now = time.time()
    attempt = WatchAttempt(number=2, started_at=now, finished_at=now + 1, results=tuple(results))
    assert attempt_words(attempt) == (
        f"attempt 2: FAILED: pool.test:{port}: 1 of 3 addresses failed: 127.0.0.22 (the "
        "connection was reset; tls.reset_after_client_hello); 127.0.0.21 and 127.0.0.23 worked"
    )


def test_a_first_address_that_refuses_gives_way_and_the_rest_beyond_the_bound_are_listed(
    ca: trustme.CA,
) -> None:
    many = tuple(f"127.0.2.{n}" for n in range(1, MAX_ADDRESSES + 3))
    with servers(("127.0.2.2", tls_ok(ca, "pool.test"))) as port:
        obs = asyncio.run(WatchTlsWizard().run(given(port, *many), Recorder()))
    (name,) = obs.targets
    assert name.address == "127.0.2.2" and name.skipped_addresses == ("127.0.2.1: refused",)
    assert len(name.by_address()) == MAX_ADDRESSES
    assert name.untested_addresses == many[MAX_ADDRESSES:]


def watched(findings: tuple[Finding, ...], obs: TlsWizardObservations) -> str:
    """The attempt's line, as the terminal and the window say it."""
    results = [r for r, _ in results_of(AttemptMaterial(findings=findings, tls=obs))]
    now = time.time()
    return attempt_words(
        WatchAttempt(number=3, started_at=now, finished_at=now + 1, results=tuple(results))
    )


def test_a_second_address_no_connection_reaches_is_named_1_of_2(ca: trustme.CA) -> None:
    """The first address works, nothing listens on the second: the name is not healthy, the
    second is said unreachable, 1 of 2, by the finding and the attempt's line."""
    with servers(("127.0.3.1", tls_ok(ca, "pool.test"))) as port:
        obs = asyncio.run(WatchTlsWizard().run(given(port, "127.0.3.1", "127.0.3.2"), Recorder()))
    findings = diagnose(run_of({"tls": obs}, captured=False)).findings
    (blocked,) = [f for f in findings if f.id == "path.direct_blocked"]
    assert blocked.title == (
        f"1 of 2 addresses of pool.test:{port} cannot be reached (no connection could be "
        "made): 127.0.3.2"
    )
    assert (blocked.values["addresses_failing"], blocked.values["tested"]) == (["127.0.3.2"], 2)
    assert watched(findings, obs) == (
        f"attempt 3: FAILED: pool.test:{port}: 1 of 2 addresses failed: 127.0.3.2 (the "
        "connection could not be made; path.direct_blocked); 127.0.3.1 worked"
    )


def test_a_first_address_no_connection_reaches_does_not_condemn_the_name(
    ca: trustme.CA,
) -> None:
    """Nothing listens on the first address, the second works: 1 of 2, naming the first."""
    with servers(("127.0.3.4", tls_ok(ca, "pool.test"))) as port:
        obs = asyncio.run(WatchTlsWizard().run(given(port, "127.0.3.3", "127.0.3.4"), Recorder()))
    findings = diagnose(run_of({"tls": obs}, captured=False)).findings
    (blocked,) = [f for f in findings if f.id == "path.direct_blocked"]
    assert blocked.title.startswith(f"1 of 2 addresses of pool.test:{port} cannot be reached")
    assert blocked.values["addresses_failing"] == ["127.0.3.3"]
    assert "127.0.3.4 completed the handshake" in blocked.user_text


def test_a_name_no_address_of_which_can_be_reached_reads_as_one(ca: trustme.CA) -> None:
    port = unused_port()
    obs = asyncio.run(WatchTlsWizard().run(given(port, "127.0.3.5", "127.0.3.6"), Recorder()))
    findings = diagnose(run_of({"tls": obs}, captured=False)).findings
    (blocked,) = [f for f in findings if f.id == "path.direct_blocked"]
    assert blocked.title == f"pool.test:{port} cannot be reached"
    assert sorted(blocked.values["addresses_failing"]) == ["127.0.3.5", "127.0.3.6"]  # type: ignore[call-overload]
    assert {e.addresses[0] for e in blocked.evidence} == {"127.0.3.5", "127.0.3.6"}


def test_a_name_that_did_not_resolve_is_one_observation_without_address() -> None:
    obs = asyncio.run(WatchTlsWizard().run(given(unused_port()), Recorder()))
    (name,) = obs.targets
    assert name.address is None and name.by_address() == ()
