"""The terminal summary: plain words first, then one block per cause with the findings it
explains under it, engineer detail indented."""

from __future__ import annotations

import pytest

from tests.bundle.sample_runs import captured_findings, uncaptured_run
from wiresleuth.analysis.causes import group_causes
from wiresleuth.model.finding import Finding, Severity
from wiresleuth.model.run import CaptureInfo
from wiresleuth.report.summary import (
    WIDTH,
    cause_headline,
    count_by_severity,
    headline,
    notes_sentence,
    summary_text,
)


def _finding(fid: str, severity: Severity, target: str | None = "a.example:443") -> Finding:
    return Finding(
        id=fid, severity=severity, title=f"{fid} title.", user_text="u", engineer_text="",
        wizard="w", target=target,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("ids", "text", "notes"),
    [
        ((), "We found no problem.", ""),
        (
            (("path.qos_policing", Severity.PROBLEM), ("path.dscp_marked", Severity.WARNING)),
            "We found 1 problem: path.qos_policing title.",
            "",
        ),
        (
            (("path.direct_blocked", Severity.PROBLEM), ("pac.not_configured", Severity.INFO)),
            "We found 1 problem: path.direct_blocked title.",
            "Also 1 note for information.",
        ),
        (
            (("proxy.auth_required", Severity.WARNING),),
            "We found 1 warning: proxy.auth_required title.",
            "",
        ),
        (
            (
                ("path.direct_blocked", Severity.PROBLEM),
                ("tls.fatal_alert", Severity.PROBLEM),
                ("proxy.auth_required", Severity.WARNING),
                ("capture.unavailable", Severity.WARNING),
            ),
            "We found 2 problems and 1 warning.",
            "Also 1 remark about the run itself.",
        ),
    ],
)
def test_the_headline_counts_causes(
    ids: tuple[tuple[str, Severity], ...], text: str, notes: str
) -> None:
    causes = group_causes([_finding(fid, severity) for fid, severity in ids])
    assert cause_headline(causes) == text
    assert notes_sentence(causes) == notes


def test_a_hostile_title_stays_on_the_headline_line() -> None:
    causes = group_causes([_finding("path.direct_blocked", Severity.PROBLEM)])
    hostile = [
        Finding(
            id="path.direct_blocked", severity=Severity.PROBLEM, title="two\nlines  here.",
            user_text="u", engineer_text="", wizard="w",
        )
    ]  # fmt: skip
    assert "\n" not in cause_headline(group_causes(hostile))
    assert cause_headline(causes).endswith("title.")


@pytest.mark.parametrize(
    ("counts", "text"),
    [
        ({"problem": 0, "warning": 0, "info": 0}, "We found no problem."),
        ({"problem": 2, "warning": 1, "info": 0}, "We found 2 problems and 1 warning."),
        ({"problem": 1}, "We found 1 problem."),
        ({"warning": 3}, "We found 3 warnings."),
        ({"info": 1}, "We found no problem. 1 note for information."),
        (
            {"problem": 3, "warning": 1, "info": 2},
            "We found 3 problems and 1 warning. 2 notes for information.",
        ),
    ],
)
def test_headline(counts: dict[str, int], text: str) -> None:
    assert headline(counts) == text


def test_count_by_severity_lists_every_severity() -> None:
    assert count_by_severity(captured_findings()) == {"problem": 3, "warning": 1, "info": 1}
    assert count_by_severity(()) == {"problem": 0, "warning": 0, "info": 0}


def test_summary_of_the_captured_run() -> None:
    capture = CaptureInfo(available=True, interface="eth0", packets=26)
    text = summary_text(captured_findings(), capture)
    lines = text.splitlines()
    assert lines[0] == "We found 2 problems and 1 warning."
    assert lines[1].startswith("Packets were captured on eth0 (26 packets)")
    heads = [line for line in lines if line.startswith("[")]
    assert heads == [
        "[!!] PROBLEM: A device near you answers for legacy.lab.test",
        "[!!] PROBLEM: The secure connection to lb.lab.test is reset after the greeting",
        "[!]  WARNING: voice.lab.test marks its packets EF (voice priority)",
    ]
    explained = [line.strip() for line in lines if line.startswith("    [") and ": " in line]
    assert explained == [
        "[!!] PROBLEM: Plain text arrived inside the encrypted connection to",
        "[i]  INFO: Your default gateway is made by F5 Networks",
    ]
    injected = next(i for i, line in enumerate(lines) if "Plain text arrived" in line)
    assert lines[injected - 1] == "  It explains 1 more finding (for the engineer):"
    assert lines[injected + 1] == " " * 18 + "legacy.lab.test"
    assert "  Next step: Save the results and send them to your helpdesk." in lines
    assert "  Target: lb.lab.test:443" in lines
    assert "    - RST 3.00 s after the ClientHello, TTL 62 like the server's SYN-ACK" in lines
    assert "      (packets 2, 6)" in lines
    assert "    [tls.reset_after_client_hello]" in lines
    assert "        [net.gateway_vendor]" in lines
    assert "    What the helpdesk can do: Give the server/load-balancer team the time, SNI" in lines
    assert all(len(line) <= WIDTH for line in lines), [x for x in lines if len(x) > WIDTH]
    assert text.endswith("\n")


def test_engineer_text_is_indented_below_the_user_text() -> None:
    block = summary_text(captured_findings()[2:3]).split("\n\n")[1].splitlines()
    user = block.index(
        "  The secure connection to lb.lab.test is cut off 3 seconds after it starts."
    )
    engineer = block.index("    For the engineer:")
    assert user < engineer
    assert all(line.startswith("    ") for line in block[engineer:])


def test_findings_are_ordered_most_severe_first_whatever_the_input_order() -> None:
    shuffled = tuple(reversed(captured_findings()))
    heads = [line for line in summary_text(shuffled).splitlines() if line.startswith("[")]
    assert heads[0].startswith("[!!] PROBLEM: A device near you")
    assert heads[-1].startswith("[!]  WARNING")


def test_no_finding_and_capture_unavailable() -> None:
    run = uncaptured_run()
    text = summary_text((), run.capture)
    assert text.startswith("We found no problem.\nPackets could not be captured: no permission")
    assert "To allow capture: run 'sudo setcap" in " ".join(text.split())
    assert "[" not in text


def test_a_finding_without_target_or_evidence() -> None:
    finding = Finding(
        id="probe.failed",
        severity=Severity.WARNING,
        title="A check could not complete",
        user_text="One check ran out of time.",
        engineer_text="",
        wizard="engine",
    )
    assert summary_text((finding,)) == (
        "We found no problem.\nAlso 1 remark about the run itself.\n\n"
        "[!]  WARNING: A check could not complete\n"
        "  One check ran out of time.\n"
        "  Next step: Save the results and send them to your helpdesk.\n"
        "    For the engineer:\n"
        "    What the helpdesk can do: Re-run; if it repeats, send the bundle: the log\n"
        "    says what failed.\n"
        "    [probe.failed]\n"
    )


def test_what_was_checked_lists_each_address_of_a_site() -> None:
    """Issue 16: the TLS check's row of a site with several addresses, then each address."""
    from wiresleuth.model.check_status import AddressStatus, CheckStatus, Status
    from wiresleuth.report.summary import checks_block

    row = CheckStatus(
        check="tls", title="Secure connection (TLS) handshake", target="p.example:443",
        status=Status.PROBLEM, reason="1 of 2 addresses of p.example resets",
        addresses=(
            AddressStatus(address="10.0.0.7", status=Status.PROBLEM, reason="reset after the ClientHello"),
            AddressStatus(address="::1", status=Status.PASSED, reason="completed the handshake"),
        ),
    )  # fmt: skip
    assert checks_block([row]).splitlines()[2:] == [
        "    p.example:443: problem: 1 of 2 addresses of p.example resets",
        "      10.0.0.7: problem: reset after the ClientHello",
        "      ::1: passed: completed the handshake",
    ]
