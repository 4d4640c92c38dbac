"""How the MTU wizard reads the TLS wizard's handshakes as its large-segment evidence."""

from __future__ import annotations

from wiresleuth.model.observations import (
    ConnectObservation,
    TlsObservation,
    TlsTargetObservation,
    TlsWizardObservations,
)
from wiresleuth.wizards.mtu_path import _tls_outcomes

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
    return _tls_outcomes(TlsWizardObservations(targets=(target,)))["www.lab.test:443"]


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
