"""How the MTU wizard reads the TLS wizard's handshakes as its large-segment evidence, and
tests every IPv4 address of a name."""

from __future__ import annotations

import asyncio

import trustme

from tests.probes.loopback_servers import tls_ok
from tests.wizards.test_tls_handshake_addresses import Recorder, given, servers
from wiresleuth.model.observations import (
    ConnectObservation,
    TlsAddressObservation,
    TlsObservation,
    TlsTargetObservation,
    TlsWizardObservations,
)
from wiresleuth.wizards.mtu_path import MtuPathWizard, _tls_outcomes

T0 = 1_700_000_000.0


def attempt(purpose: str, outcome: str, **kw: object) -> TlsObservation:
    conn = ConnectObservation(address="198.18.2.10", port=3128, started_at=T0, local_port=40001)
    return TlsObservation(
        target="www.lab.test:443", sni="www.lab.test", purpose=purpose, connect=conn,
        outcome=outcome, ended_at=T0 + 6, **kw,  # type: ignore[arg-type]
    )  # fmt: skip


def outcomes(*attempts: TlsObservation) -> tuple[str | None, str | None]:
    target = TlsTargetObservation(
        target="www.lab.test:443", address="198.18.2.10", attempts=attempts
    )
    return _tls_outcomes(TlsWizardObservations(targets=(target,)))[
        ("www.lab.test:443", "198.18.2.10")
    ]


def test_a_stall_is_silent_and_the_small_mss_answer_is_an_answer() -> None:
    assert outcomes(
        attempt("default", "timeout"), attempt("small-mss", "ok", first_byte_at=T0 + 0.2)
    ) == ("silent", "answered")


def test_an_answer_left_unread_by_a_late_program_is_an_answer() -> None:
    """The socket held the server's bytes when the late program gave up: not silence."""
    assert outcomes(
        attempt("default", "timeout", unread_bytes=975),
        attempt("small-mss", "ok", first_byte_at=T0 + 0.2),
    ) == ("answered", "answered")


def test_a_tunnel_whose_proxy_answer_was_left_unread_is_no_answer_of_the_server() -> None:
    """The TLS check's CONNECT heard nothing in time, the proxy's answer waiting unread (a
    late program): the server never got the ClientHello, so neither answered nor silent."""
    assert outcomes(
        attempt("default", "tunnel_failed", unread_bytes=39),
        attempt("small-mss", "tunnel_failed", unread_bytes=39),
    ) == ("tunnel_failed", "tunnel_failed")


def test_every_ipv4_address_of_a_name_is_swept_and_exchanged_with(ca: trustme.CA) -> None:
    """Two addresses of one name (loopback servers on one port), an IPv6 one beside them:
    each IPv4 address is a server of its own (its sweep, its large-segment exchange), the
    steps are counted per address, the capture planned for each."""
    addresses = ("127.0.5.1", "::1", "127.0.5.2")
    with servers(
        ("127.0.5.1", tls_ok(ca, "pool.test")), ("127.0.5.2", tls_ok(ca, "pool.test"))
    ) as port:
        wizard, asked = MtuPathWizard(), given(port, *addresses)
        progress = Recorder()
        obs = asyncio.run(wizard.run(asked, progress))
    assert [(t.target, t.address) for t in obs.targets] == [
        (f"pool.test:{port}", "127.0.5.1"), (f"pool.test:{port}", "127.0.5.2"),
    ]  # fmt: skip
    assert all(t.sweep is not None and t.sweep.path_mtu for t in obs.targets)
    assert all(t.tcp and t.tcp[0].outcome == "answered" for t in obs.targets)
    assert len(progress.steps) == wizard.steps(asked) == 4
    assert {(f.address, f.proto) for f in wizard.flows(asked)} == {
        ("127.0.5.1", "icmp"), ("127.0.5.1", "tcp"), ("127.0.5.2", "icmp"), ("127.0.5.2", "tcp"),
    }  # fmt: skip


def test_the_tls_handshakes_are_read_per_address() -> None:
    first = TlsTargetObservation(
        target="www.lab.test:443", address="198.18.2.10", attempts=(attempt("default", "ok", first_byte_at=T0),),
        other_addresses=(
            TlsAddressObservation(
                address="198.18.2.11",
                attempts=(attempt("default", "timeout"), attempt("small-mss", "ok", first_byte_at=T0)),
            ),
        ),
    )  # fmt: skip
    assert _tls_outcomes(TlsWizardObservations(targets=(first,))) == {
        ("www.lab.test:443", "198.18.2.10"): ("answered", None),
        ("www.lab.test:443", "198.18.2.11"): ("silent", "answered"),
    }
