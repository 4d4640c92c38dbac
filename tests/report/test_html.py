"""report.html: self-contained, summary first, findings by severity, hostile input escaped.

The last test renders the page in headless Chromium and checks that a screenshot came out.
"""

from __future__ import annotations

import dataclasses
import random
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from tests.bundle.sample_runs import uncaptured_run
from wiresleuth.bundle.reader import read_bundle
from wiresleuth.bundle.serialize import report_dict
from wiresleuth.model.catalogue import spec
from wiresleuth.model.finding import Evidence, Finding, Severity
from wiresleuth.model.timeline import Connection, TimelineEvent
from wiresleuth.report.html import render_html

SAMPLE = Path(__file__).parents[1] / "bundle" / "samples" / "format-1.wsbundle"
HOSTILE = '<script>alert("pwn")</script><img src=x onerror=alert(1)>"\'&'
VOID = {"meta", "br", "img", "input", "link", "hr", "col", "area", "base", "wbr", "source"}


class _Balance(HTMLParser):
    """Fails on an end tag that does not close the innermost open element."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-3:]}"
        self.stack.pop()


def _balanced(page: str) -> _Balance:
    parser = _Balance()
    parser.feed(page)
    parser.close()
    assert parser.stack == [], parser.stack
    return parser


@pytest.fixture(scope="module")
def sample_page() -> str:
    bundle = read_bundle(SAMPLE)
    return render_html(bundle.report, bundle.manifest, bundle.system)


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    return dict(read_bundle(SAMPLE).manifest)


def test_the_page_is_self_contained_and_forbids_scripts(sample_page: str) -> None:
    lowered = sample_page.lower()
    for forbidden in ("<script", " src=", "url(", "@import", "<link", "<iframe", "<object"):
        assert forbidden not in lowered, forbidden
    assert "default-src 'none'" in sample_page
    hrefs = re.findall(r'href="([^"]*)"', sample_page)
    assert hrefs == ["mailto:servicedesk@contoso.example", "https://help.contoso.example/network"]
    tags = _balanced(sample_page).tags
    assert tags.count("svg") >= 3 + 2  # three lanes, two zoomed lanes (plus legend icons)


def test_sections_come_in_reading_order(sample_page: str) -> None:
    marks = [
        "We found 3 problems and 1 warning. 1 note for information.",
        "Your helpdesk",
        "<h2>Findings</h2>",
        "<h2>Connections</h2>",
        "<h2>Capture</h2>",
        "<h2>System</h2>",
        "<h2>Versions</h2>",
    ]
    positions = [sample_page.index(mark) for mark in marks]
    assert positions == sorted(positions)


def test_traffic_lights_count_each_severity(sample_page: str) -> None:
    assert '<span class="n">3</span> problems' in sample_page
    assert '<span class="n">1</span> warning<' in sample_page
    assert '<span class="n">1</span> note<' in sample_page


def test_findings_show_user_text_engineer_text_and_evidence(sample_page: str) -> None:
    assert (
        "The secure connection to lb.lab.test is cut off 3 seconds after it starts." in sample_page
    )
    assert "frame 6 is a RST from 198.19.1.10 3.00 s later" in sample_page
    assert "<b>frames</b> 2, 6" in sample_page
    assert "<b>seconds_to_reset</b> 3.00 s" in sample_page
    assert "<b>handshake_rtt</b> 0.30 ms" in sample_page
    assert "<b>client_hello</b> 09:30:00.102 UTC" in sample_page
    assert "<b>addresses</b> 198.19.1.10:443" in sample_page
    assert spec("tls.reset_after_client_hello").action in sample_page
    injected = re.search(r"<pre>(HTTP/1\.0 200 OK.*?)</pre>", sample_page, re.DOTALL)
    assert injected is not None
    assert "X-Bypass-Cache: Application and Content Networking System Software" in injected[1]
    assert "&lt;meta http-equiv=&quot;refresh&quot;" in injected[1]


def test_findings_are_ordered_by_severity_whatever_the_report_order(
    manifest: dict[str, Any],
) -> None:
    bundle = read_bundle(SAMPLE)
    report = dict(bundle.report)
    findings = list(report["findings"])
    random.Random(7).shuffle(findings)
    report["findings"] = findings
    page = render_html(report, manifest, bundle.system)
    badges = re.findall(r'<span class="badge (\w+)">', page)
    assert badges == ["problem", "problem", "problem", "warning", "info"]


def test_system_information_is_shown(sample_page: str) -> None:
    for text in (
        "<h3>Interfaces</h3>",
        "52:54:00:12:34:56",
        "<h3>Routes</h3>",
        "198.18.0.1",
        "<h3>DNS</h3>",
        "198.18.0.53",
        "<h3>Proxy</h3>",
        "http://wpad.lab.test/wpad.dat",
        "laptop-042",
    ):
        assert text in sample_page, text
    assert "wiresleuth 0.1.0" in sample_page


def test_a_run_without_capture_explains_why_and_says_it_was_cancelled(
    manifest: dict[str, Any],
) -> None:
    run = uncaptured_run()
    page = render_html(report_dict(run), manifest, run.system)
    assert "Packets could not be captured: no permission to capture packets" in page
    assert "run &#x27;sudo setcap cap_net_raw,cap_net_admin=eip&#x27;" in page
    assert "The run was cancelled." in page
    assert "capture.unavailable" in page
    _balanced(page)


def test_no_helpdesk_no_findings_no_connections(manifest: dict[str, Any]) -> None:
    run = dataclasses.replace(
        uncaptured_run(), findings=(), connections=(), profile={}, system={}, cancelled=False
    )
    page = render_html(report_dict(run), manifest, {})
    assert "Your helpdesk" not in page
    assert "We found no problem." in page
    assert "all clear" in page
    assert "No finding: every check passed." in page
    assert "No connection was recorded." in page
    _balanced(page)


def _hostile_report() -> dict[str, Any]:
    finding = Finding(
        id="tls.fatal_alert",
        severity=Severity.PROBLEM,
        title=HOSTILE,
        user_text=HOSTILE,
        engineer_text=HOSTILE,
        wizard=HOSTILE,
        target=HOSTILE,
        evidence=(
            Evidence(
                text=HOSTILE,
                addresses=(HOSTILE,),
                timings={HOSTILE: 1.0},
                data={HOSTILE: HOSTILE, "multi": HOSTILE + "\n" + HOSTILE},
            ),
        ),
        values={HOSTILE: HOSTILE},
    )
    event = TimelineEvent(time=10.0, kind=HOSTILE, direction="in", detail=HOSTILE)
    connection = Connection(
        id=HOSTILE,
        client=HOSTILE,
        client_port=1,
        server=HOSTILE,
        server_port=2,
        start=10.0,
        end=10.5,
        events=(event,),
        label=HOSTILE,
    )
    run = dataclasses.replace(
        uncaptured_run(),
        findings=(finding,),
        connections=(connection,),
        targets=(HOSTILE,),
        profile={
            "helpdesk": {
                "name": HOSTILE,
                "email": f'a@b" onclick="x{HOSTILE}',
                "url": "javascript:alert(1)",
                HOSTILE: HOSTILE,
            }
        },
        observations={HOSTILE: HOSTILE},
    )
    report = report_dict(run)
    report["capture"]["reason"] = HOSTILE
    return report


def test_hostile_strings_are_escaped_everywhere() -> None:
    system = {HOSTILE: [{HOSTILE: HOSTILE}], "dns": {HOSTILE: [HOSTILE]}}
    manifest = {
        "program": HOSTILE,
        "program_version": HOSTILE,
        "os": {"system": HOSTILE},
        "created": HOSTILE,
        "format_version": HOSTILE,
    }
    page = render_html(_hostile_report(), manifest, system)
    lowered = page.lower()
    assert "<script" not in lowered
    assert "<img" not in lowered
    assert "javascript:" not in "".join(re.findall(r'href="([^"]*)"', lowered))
    assert "onclick" not in "".join(re.findall(r"<[^>]*>", lowered)), "attribute injected"
    assert "&lt;script&gt;alert(&quot;pwn&quot;)&lt;/script&gt;" in page
    tags = set(_balanced(page).tags)
    assert tags <= {
        "html",
        "head",
        "meta",
        "title",
        "style",
        "body",
        "main",
        "header",
        "h1",
        "h2",
        "h3",
        "h4",
        "p",
        "b",
        "section",
        "article",
        "span",
        "div",
        "ul",
        "li",
        "code",
        "pre",
        "dl",
        "dt",
        "dd",
        "details",
        "summary",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "svg",
        "rect",
        "text",
        "line",
        "g",
        "circle",
        "path",
        "footer",
        "a",
    }


def test_the_page_renders_in_headless_chromium(tmp_path: Path, sample_page: str) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("chromium is not installed (Debian package 'chromium')")
    page = tmp_path / "report.html"
    page.write_text(sample_page, encoding="utf-8")
    shot = tmp_path / "report.png"
    subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={shot}",
            "--window-size=1366,900",
            page.as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=True,
    )
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1366, 900)
    # A blank page compresses to a few KB; the summary, helpdesk and findings do not.
    assert len(data) > 40_000


def test_the_page_counts_time_from_frame_1_when_given(tmp_path: Path) -> None:
    from tests.bundle.sample_runs import captured_run
    from wiresleuth.bundle.serialize import report_dict as as_report
    from wiresleuth.report.html import render_html as render

    run = captured_run(tmp_path)
    first = next(e for c in run.connections for e in c.events if e.packet == 1)
    page = render(as_report(run), {}, {}, time_zero=first.time)
    assert "Times are seconds since frame 1 of the capture" in page
    assert '<tr><td class="num">0.000000</td><td>sent</td><td>syn</td>' in page
    assert "seconds since the start of the run" in render(as_report(run), {}, {})
