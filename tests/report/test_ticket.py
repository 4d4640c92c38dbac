"""The plain text "Copy summary" writes for a ticket: who, when, the bundle and its hash, the
causes with what the helpdesk can do, and every check that did not pass."""

from __future__ import annotations

from wiresleuth.analysis.causes import group_causes
from wiresleuth.model.check_status import CheckStatus, Status
from wiresleuth.model.finding import Finding, Severity
from wiresleuth.report.ticket import TicketFacts, check_counts, ticket_text

T0 = 1714555800.0  # 2024-05-01 09:30:00 UTC


def _f(fid: str, severity: Severity, title: str, target: str | None = None) -> Finding:
    return Finding(
        id=fid, severity=severity, title=title, user_text="u", engineer_text="e", wizard="w",
        target=target,
    )  # fmt: skip


FINDINGS = (
    _f("path.qos_policing", Severity.PROBLEM, "A policy drops large packets from a:443", "a:443"),
    _f("path.dscp_marked", Severity.WARNING, "a:443 marks its packets EF", "a:443"),
    _f("pac.not_configured", Severity.INFO, "No PAC is in use"),
    _f("capture.unavailable", Severity.WARNING, "Packets could not be captured"),
)
CHECKS = (
    CheckStatus(check="lookup", title="Name lookup", target="a:443", status=Status.PASSED),
    CheckStatus(check="proxy", title="Proxy path", target="a:443", status=Status.NOT_TESTED,
                reason="no proxy is known"),
    CheckStatus(check="mtu", title="MTU", target="a:443", status=Status.COULD_NOT_RUN,
                reason="the run was cancelled"),
    CheckStatus(check="tls", title="TLS", target="a:443", status=Status.PROBLEM, reason="x"),
)  # fmt: skip


def test_the_whole_summary() -> None:
    facts = TicketFacts(
        computer="laptop-042", user="alice", started_at=T0, os_text="Linux 6.1 (x86_64)",
        targets=("a:443",), routes=("a:443: direct (from no proxy setting)",),
        profile="/etc/wiresleuth/profile.toml", causes=group_causes(FINDINGS), checks=CHECKS,
        capture="Packets could not be captured: no permission.",
        bundle_name="wiresleuth-laptop-042.wsbundle", bundle_sha256="ab" * 32,
        program="WireSleuth 0.1.0",
    )  # fmt: skip
    assert ticket_text(facts) == (
        "WireSleuth result: laptop-042 (user alice), 2024-05-01 09:30:00 UTC\n"
        f"Bundle: wiresleuth-laptop-042.wsbundle (SHA-256 {'ab' * 32})\n"
        "Operating system: Linux 6.1 (x86_64)\n"
        "Sites tested: a:443\n"
        "Route: a:443: direct (from no proxy setting)\n"
        "Profile: /etc/wiresleuth/profile.toml\n"
        "\n"
        "We found 1 problem: A policy drops large packets from a:443.\n"
        "1. [PROBLEM] A policy drops large packets from a:443\n"
        "   What the helpdesk can do: Give the network team the server address and its DSCP; "
        "ask them to check the WAN QoS policy for that class and to re-mark the server's "
        "traffic at the edge.\n"
        "   It explains: a:443 marks its packets EF\n"
        "Notes: No PAC is in use\n"
        "About the run: Packets could not be captured\n"
        "Packets could not be captured: no permission.\n"
        "\n"
        "What was checked: 1 passed, 1 found a problem, 1 not tested, 1 could not run.\n"
        "  Proxy path — a:443: not tested (no proxy is known)\n"
        "  MTU — a:443: could not run (the run was cancelled)\n"
        "  TLS — a:443: problem: x\n"
        "\n"
        "Made by WireSleuth 0.1.0.\n"
    )


def test_an_unsaved_run_and_a_bundle_without_statuses() -> None:
    text = ticket_text(TicketFacts(checks=None, cancelled=True))
    assert text.splitlines()[0] == (
        "WireSleuth result: an unnamed computer, an unknown time (cancelled: only the checks "
        "that had finished)"
    )
    assert "Bundle: not saved yet" in text
    assert "What was checked: not recorded in this bundle" in text
    assert "We found no problem." in text


def test_hostile_titles_stay_on_one_line_and_visible() -> None:
    hostile = _f("path.direct_blocked", Severity.PROBLEM, "x\n\x1b]52;c;AAAA\x07\u202eevil")
    text = ticket_text(TicketFacts(causes=group_causes([hostile]), computer="pc\nFAKE: line"))
    assert "\x1b" not in text and "\u202e" not in text and "\x07" not in text
    assert "\\u001b]52;c;AAAA" in text
    assert "FAKE: line" in text.splitlines()[0]


def test_check_counts() -> None:
    assert check_counts(CHECKS) == "1 passed, 1 found a problem, 1 not tested, 1 could not run"
    assert check_counts(CHECKS[3:] * 2) == "2 found a problem"
    assert check_counts(()) == "no check"
