"""report.html's Watch section, from the flaky-policer lab bundle's report."""

from tests.gui.lab_samples import lab_bundle
from wiresleuth.bundle.reader import read_bundle
from wiresleuth.report.html import render_html
from wiresleuth.report.html_watch import watch_html


def test_a_watch_shows_each_attempt_and_the_grouped_failure() -> None:
    bundle = read_bundle(lab_bundle("flaky-policer"))
    page = render_html(bundle.report, bundle.manifest, bundle.system)
    section = page[page.index("<h2>Watch</h2>") : page.index("<h2>Findings</h2>")]
    assert "7 attempt(s) every 10 s" in section and "3 failed" in section
    assert "<code>✓✓✗✗✓✓✗</code>" in section
    assert "<code>tls.no_server_hello</code>" in section and "3 failed, 4 worked" in section
    assert "nothing this computer can see" in section


def test_other_reports_have_no_watch_section_and_a_damaged_one_says_so() -> None:
    assert watch_html({"findings": []}) == ""
    broken = watch_html({"watch": {"settings": {"every": "often"}}})
    assert "The watch could not be read" in broken and "<table" not in broken
