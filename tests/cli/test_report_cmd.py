"""``wiresleuth report`` on a hostile bundle: escape sequences never reach the terminal raw."""

from __future__ import annotations

import json
import re
import tracemalloc
from dataclasses import replace
from pathlib import Path

import pytest

from tests.bundle.sample_runs import uncaptured_run
from tests.cli.cli_process import wiresleuth
from tests.gui.hostile_bundles import edited_bundle
from wiresleuth import __version__
from wiresleuth.bundle.writer import write_bundle
from wiresleuth.model.finding import Evidence, Finding, Severity
from wiresleuth.model.run import CaptureInfo

ESCAPES = {
    "clear": "\x1b[2J\x1b[3J\x1b[H",
    "clipboard": "\x1b]52;c;ZWNobyBvd25lZA==\x07",
    "title": "\x1b]0;pwned\x1b\\",
    "c1": "\x9b2J\x9d0;x\x9c",
    "bell": "\x07\x07",
    "bidi": "\u202egnp.exe\u202c \u2066x\u2069",
    "del": "\x7f\x08\r",
}
HOSTILE = "".join(ESCAPES.values())
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def hostile_bundle(folder: Path) -> Path:
    def text(name: str) -> str:
        return f"{name} {HOSTILE} end"

    finding = Finding(
        id=text("id"),
        severity=Severity.PROBLEM,
        title=text("title"),
        user_text=text("user") + "\nsecond line " + HOSTILE,
        engineer_text=text("engineer"),
        wizard=text("wizard"),
        target=text("target"),
        evidence=(Evidence(text=text("evidence"), addresses=(text("address"),)),),
        values={"v": text("value")},
    )
    run = replace(
        uncaptured_run(),
        findings=(finding, *uncaptured_run().findings),
        capture=CaptureInfo(available=False, reason=text("reason"), how_to_enable=text("how")),
    )
    return write_bundle(run, folder / "hostile.wsbundle")


def test_report_prints_no_raw_escape_sequence(tmp_path: Path) -> None:
    bundle = hostile_bundle(tmp_path)
    done = wiresleuth("report", str(bundle))
    assert done.returncode == 1, done.stderr  # it holds a problem
    assert "title" in done.stdout and "evidence" in done.stdout and "reason" in done.stdout
    assert RAW.findall(done.stdout) == []
    assert "\\u001b]52;c;" in done.stdout  # shown, so the engineer sees what was there
    assert "cancelled" in done.stdout  # the sample run was cancelled, and the report says so


def test_report_json_is_escaped_and_still_the_same_json(tmp_path: Path) -> None:
    bundle = hostile_bundle(tmp_path)
    done = wiresleuth("report", str(bundle), "--json")
    assert done.returncode == 1, done.stderr
    assert RAW.findall(done.stdout) == []
    report = json.loads(done.stdout)
    assert report["findings"][0]["title"] == f"title {HOSTILE} end"


def test_text_the_terminal_cannot_encode_is_escaped_not_fatal(tmp_path: Path) -> None:
    run = uncaptured_run()
    title = "Grüße aus 東京 ✓"
    finding = replace(run.findings[0], title=title)
    bundle = write_bundle(
        replace(run, findings=(finding, *run.findings[1:])), tmp_path / "u.wsbundle"
    )
    done = wiresleuth("report", str(bundle), env={"PYTHONIOENCODING": "ascii"})
    assert done.returncode == 1, done.stderr
    assert "Gr\\xfc\\xdfe aus \\u6771\\u4eac \\u2713" in done.stdout


LAB_C8 = Path(__file__).parents[1] / "gui" / "samples" / "lab" / "C8.wsbundle"


def test_reanalyse_names_the_rules_and_what_changed() -> None:
    done = wiresleuth("report", str(LAB_C8), "--reanalyse")
    assert done.returncode == 1, done.stderr  # the reset is a problem
    first = done.stdout.splitlines()[0]
    assert first.startswith(f"Re-analysed with the rules of WireSleuth {__version__}; ")
    assert "[tls.reset_after_client_hello]" in done.stdout
    assert "Today's rules conclude what those of WireSleuth" in done.stdout


def test_reanalyse_json_lists_todays_findings_and_the_changes() -> None:
    done = wiresleuth("report", str(LAB_C8), "--reanalyse", "--json")
    assert done.returncode == 1, done.stderr
    again = json.loads(done.stdout)
    assert again["rules"] == __version__ and again["new"] == [] and again["gone"] == []
    assert {f["id"] for f in again["findings"]} >= {"tls.reset_after_client_hello"}


def test_reanalyse_of_a_hostile_bundle_prints_no_raw_escape_sequence(tmp_path: Path) -> None:
    done = wiresleuth("report", str(hostile_bundle(tmp_path)), "--reanalyse")
    assert done.returncode == 1, done.stderr  # its finding is kept: no rule reads its wizard
    assert RAW.findall(done.stdout) == [] and "\\u001b]52;c;" in done.stdout
    assert "those of the day" in done.stdout


def test_reanalyse_of_what_is_not_a_bundle_is_one_line_and_exit_2(tmp_path: Path) -> None:
    not_one = tmp_path / "x.wsbundle"
    not_one.write_text("hello")
    done = wiresleuth("report", str(not_one), "--reanalyse")
    assert done.returncode == 2 and done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1 and "not a zip file" in done.stderr


def test_report_json_of_a_large_report_streams_what_it_prints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`report --json` of a bundle at the reader's item limit peaked at 418 MB: the indented
    text was built whole, from a list of its million pieces. Printed in batches, it costs
    what reading the bundle costs, which plain `report` pays too (the reference here;
    benchmarks/bench_memory.py prints both on the limit itself)."""
    from wiresleuth.cli.main import main
    from wiresleuth.input_files.json_limits import MAX_ITEMS

    def pad(report: dict[str, object]) -> None:
        report["observations"] = {"pad": [i + 0.5 for i in range(MAX_ITEMS // 4)]}

    base = write_bundle(uncaptured_run(), tmp_path / "base.wsbundle")
    bundle = edited_bundle(base, tmp_path / "large.wsbundle", pad)
    peaks = {}
    for args in (["report", str(bundle)], ["report", "--json", str(bundle)]):
        tracemalloc.start()
        try:
            main(args)
            peaks[args[1]] = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        printed = capsys.readouterr().out
    assert json.loads(printed)["observations"]["pad"][-1] == MAX_ITEMS // 4 - 0.5
    assert peaks["--json"] < 1.25 * peaks[str(bundle)], peaks


def test_a_damaged_capture_is_named_after_the_findings() -> None:
    """The findings cite frames of capture.pcapng: ``report`` says where Wireshark stops
    reading it (without decoding it: report starts without numpy, test_main)."""
    from tests.capture.damaged_sample import DAMAGED_BUNDLE

    done = wiresleuth("report", str(DAMAGED_BUNDLE))
    assert done.returncode == 1, done.stderr
    assert (
        "Note: capture.pcapng: the file is damaged after frame 38 (a block whose two length "
        "fields disagree, at byte 9572): Wireshark stops reading it there"
    ) in " ".join(done.stdout.split())
    fresh = wiresleuth("report", str(Path(__file__).parents[1] / "gui/samples/lab-C1.wsbundle"))
    assert fresh.returncode == 1 and "Note: capture.pcapng" not in fresh.stdout


def test_reanalyse_counts_no_hole_where_the_capture_is_damaged() -> None:
    """The TLS wizard's sockets prove C1's loss; the capture's holes from the connections
    open at its damage are said to prove nothing, those of the whole one still count."""
    from tests.capture.damaged_sample import DAMAGED_BUNDLE

    done = wiresleuth("report", str(DAMAGED_BUNDLE), "--reanalyse")
    assert done.returncode == 1, done.stderr
    text = " ".join(done.stdout.split())
    assert (
        "largest segment that arrived: 428 bytes; 4096 bytes never arrived though later ones "
        "did; 8192 more bytes are missing where the capture file is damaged between frames 38 "
        "and 40: they may be the capture's, not counted as loss (packets 70, 71)"
    ) in text
    assert (
        "4096 bytes of the server's answer are missing from the capture, but the capture file "
        "is damaged between frames 38 and 40 while the connection was open"
    ) in text
    fresh = wiresleuth(
        "report", str(Path(__file__).parents[1] / "gui/samples/lab-C1.wsbundle"), "--reanalyse"
    )
    assert fresh.returncode == 1 and "damaged" not in fresh.stdout
