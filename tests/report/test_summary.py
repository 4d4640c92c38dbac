"""The terminal summary: plain words first, then one block per finding, engineer detail indented."""

from __future__ import annotations

import pytest

from tests.bundle.sample_runs import captured_findings, uncaptured_run
from wiresleuth.model.finding import Finding, Severity
from wiresleuth.model.run import CaptureInfo
from wiresleuth.report.summary import WIDTH, count_by_severity, headline, summary_text


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
    assert lines[0] == "We found 3 problems and 1 warning. 1 note for information."
    assert lines[1].startswith("Packets were captured on eth0 (26 packets)")
    heads = [line for line in lines if line.startswith("[")]
    assert heads == [
        "[!!] PROBLEM: A device near you answers for legacy.lab.test",
        "[!!] PROBLEM: Plain text arrived inside the encrypted connection to",
        "[!!] PROBLEM: The secure connection to lb.lab.test is reset after the greeting",
        "[!]  WARNING: voice.lab.test marks its packets EF (voice priority)",
        "[i]  INFO: Your default gateway is made by F5 Networks",
    ]
    assert lines[lines.index(heads[1]) + 1] == " " * 14 + "legacy.lab.test"
    assert "  Target: lb.lab.test:443" in lines
    assert "    - RST 3.00 s after the ClientHello, TTL 62 like the server's SYN-ACK" in lines
    assert "      (packets 2, 6)" in lines
    assert "    [tls.reset_after_client_hello]" in lines
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
    assert heads[-1].startswith("[i]  INFO")


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
        "We found 1 warning.\n\n"
        "[!]  WARNING: A check could not complete\n"
        "  One check ran out of time.\n"
        "    [probe.failed]\n"
    )
