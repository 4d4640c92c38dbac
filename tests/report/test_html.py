"""report.html: self-contained, summary first, causes by severity with the findings they explain
inside, what each check did, values written for people, hostile input escaped.

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
        "We found 2 problems and 1 warning.",
        "Your helpdesk",
        "<h2>Findings</h2>",
        "<h2>Connections</h2>",
        "<h2>Capture</h2>",
        "<h2>What was checked</h2>",
        "<h2>System</h2>",
        "<h2>Versions</h2>",
    ]
    positions = [sample_page.index(mark) for mark in marks]
    assert positions == sorted(positions)


def test_traffic_lights_count_causes(sample_page: str) -> None:
    # C6's injected text is explained by the interception, C8's F5 gateway by the reset
    assert '<span class="n">2</span> problems' in sample_page
    assert '<span class="n">1</span> warning<' in sample_page
    assert '<span class="n">0</span> notes<' in sample_page


def test_a_cause_holds_the_findings_it_explains(sample_page: str) -> None:
    start = sample_page.index("A device near you answers for legacy")
    intercepted = sample_page[start : sample_page.index("is reset after the greeting", start)]
    assert "It explains 1 more finding (for the engineer)" in intercepted
    assert "Plain text arrived inside the encrypted connection" in intercepted
    assert intercepted.index("<summary>It explains") < intercepted.index("Plain text arrived")
    assert "<b>Next step:</b> Save the results and send them to your helpdesk." in intercepted
    # what the helpdesk can do: once per cause, not for each finding it explains
    assert sample_page.count("What the helpdesk can do") == 3


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
    # cause, the finding it explains, cause, the finding it explains, cause
    assert badges == ["problem", "problem", "problem", "info", "warning"]


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
    assert "No finding: no check found anything to report." in page
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


def test_figures_are_written_for_people_not_as_python(manifest: dict[str, Any]) -> None:
    finding = Finding(
        id="path.dscp_marked", severity=Severity.WARNING, title="t", user_text="u",
        engineer_text="e", wizard="mtu", target="a.example:443",
        values={"marks": {"AF41 (34)": 37}, "server_mss": [1460], "gaps": [[0, 4096]]},
        evidence=(Evidence(text="x", data={"timing": ["capture"]}),),
    )  # fmt: skip
    run = dataclasses.replace(uncaptured_run(), findings=(finding,))
    page = render_html(report_dict(run), manifest, {})
    for shown in ("<b>marks</b> AF41 (34): 37", "<b>server_mss</b> 1460", "<b>gaps</b> 0–4096"):
        assert shown in page, shown
    assert "<b>timing</b> capture" in page
    for python in ("[(", "{'", "['", "[1460]"):
        assert python not in page.split("<h2>Measurements</h2>")[0], python


def test_a_profile_without_helpdesk_shows_no_empty_labels(manifest: dict[str, Any]) -> None:
    run = dataclasses.replace(uncaptured_run(), profile={"helpdesk": {"name": "", "contact": ""}})
    assert "Your helpdesk" not in render_html(report_dict(run), manifest, {})
    named = dataclasses.replace(
        uncaptured_run(), profile={"helpdesk": {"name": "Desk", "contact": "desk@corp.example"}}
    )
    page = render_html(report_dict(named), manifest, {})
    assert "<dt>Name</dt><dd>Desk</dd>" in page
    assert '<a href="mailto:desk@corp.example">desk@corp.example</a>' in page
    assert "<dt>Email</dt>" not in page


def test_what_was_checked(manifest: dict[str, Any]) -> None:
    from wiresleuth.model.check_status import AddressStatus, CheckStatus, Status

    checks = (
        CheckStatus(check="lookup", title="Name lookup (DNS)", target="a.example:443",
                    status=Status.PASSED, reason="198.18.0.1"),
        CheckStatus(check="proxy", title="Proxy path", target="a.example:443",
                    status=Status.NOT_TESTED, reason="no proxy is known"),
        CheckStatus(check="proxy", title="Proxy path", target="b.example:80",
                    status=Status.COULD_NOT_RUN, reason="the run was cancelled"),
        CheckStatus(check="pac", title="PAC", target=None, status=Status.PROBLEM,
                    reason=HOSTILE, findings=("pac.fetch_hangs",)),
        CheckStatus(check="tls", title="TLS", target="c.example:443", status=Status.PROBLEM,
                    reason="1 of 2 addresses", addresses=(
                        AddressStatus(address="10.0.0.7", status=Status.PROBLEM, reason=HOSTILE),
                        AddressStatus(address="10.0.0.8", status=Status.PASSED),
                    )),
    )  # fmt: skip
    run = dataclasses.replace(uncaptured_run(), checks=checks)
    page = render_html(report_dict(run), manifest, {})
    table = page[page.index("<h2>What was checked</h2>") :]
    assert '<ul class="addresses"><li>10.0.0.7: <span class="status problem">problem</span>' in table
    assert '<li>10.0.0.8: <span class="status ok">passed</span></li></ul>' in table
    assert '<th rowspan="2">Proxy path</th><td>a.example:443</td>' in table
    assert '<span class="status untested">not tested</span>' in table
    assert '<span class="why">(no proxy is known)</span>' in table
    assert '<span class="status failed">could not run</span>' in table
    assert "<td>the check as a whole</td>" in table
    assert "<script" not in table
    _balanced(page)
    old = report_dict(run)
    del old["checks"]
    assert "this bundle was made before WireSleuth recorded" in render_html(old, manifest, {})


def test_the_computer_and_user_are_named(manifest: dict[str, Any]) -> None:
    run = uncaptured_run()
    system = {"computer": {"name": "laptop-042", "user": "alice"}}
    page = render_html(report_dict(run), manifest, system)
    assert "Computer laptop-042 · user alice" in page


def test_a_title_that_names_its_target_does_not_repeat_it(manifest: dict[str, Any]) -> None:
    blocked = Finding(
        id="path.direct_blocked", severity=Severity.PROBLEM,
        title="127.0.0.1:9 cannot be reached", user_text="u", engineer_text="e", wizard="tls",
        target="127.0.0.1:9",
    )  # fmt: skip
    page = render_html(report_dict(dataclasses.replace(uncaptured_run(), findings=(blocked,))),
                       manifest, {})  # fmt: skip
    assert '<span class="target">127.0.0.1:9</span>' not in page
    assert "<h3>127.0.0.1:9 cannot be reached</h3>" in page


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
