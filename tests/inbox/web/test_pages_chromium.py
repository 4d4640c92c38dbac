"""The pages in headless Chromium: signed in through the real form, the list, the grouped
view and a bundle's page (its report in the sandboxed iframe) render, and a hostile
bundle's text stays text. Screenshots are written beside the test's files (and, with
``python -m tests.inbox.screens``, to docs/screenshots/)."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.gui.hostile_bundles import MARK, write_hostile_bundle
from tests.inbox.chromium import ENABLE, Browser, chromium_path, spki_pin
from tests.inbox.running import PASSWORD, RunningInbox
from tests.inbox.samples import FORMAT_1, LAB_BUNDLES
from tests.inbox.web.test_pages import send


@pytest.fixture
def browser(tmp_path: Path, inbox: RunningInbox) -> Iterator[Browser]:
    if chromium_path() is None:
        pytest.skip(f"chromium is not installed ({ENABLE})")
    cert = inbox.prepared.certificate.cert.read_bytes()
    chrome = Browser(tmp_path / "chromium-profile", spki_pin(cert))
    try:
        yield chrome
    finally:
        chrome.close()


def sign_in(browser: Browser, inbox: RunningInbox) -> None:
    browser.goto(inbox.url + "/bundles")  # sent to the sign-in form first
    assert browser.run("location.pathname") == "/signin"
    browser.run("document.querySelector('input[name=name]').value = 'alice'")
    browser.run(f"document.querySelector('input[name=password]').value = {PASSWORD!r}")
    browser.submit("form[action='/signin']")
    assert browser.run("location.pathname") == "/bundles", browser.run("document.body.innerText")


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_list_grouped_and_bundle_pages_render(
    browser: Browser, inbox: RunningInbox, tmp_path: Path
) -> None:
    ids = {p.stem: send(inbox, p, ticket=f"INC-{n}") for n, p in enumerate(LAB_BUNDLES)}
    send(inbox, FORMAT_1)
    sign_in(browser, inbox)
    rows = browser.run("document.querySelectorAll('table.bundles tbody tr').length")
    assert rows == 6
    list_png = browser.screenshot(tmp_path / "inbox-list.png")
    browser.goto(inbox.url + "/groups")
    counts = browser.run(
        "[...document.querySelectorAll('section.findings > table td.num a')].map(a => a.textContent)"
    )
    # most bundles first: C6 and the sample share two problems, the others one each
    assert counts[0] == "2" and counts == sorted(counts, key=int, reverse=True)
    assert browser.run("document.querySelectorAll('meter').length") > 10
    groups_png = browser.screenshot(tmp_path / "inbox-groups.png")
    browser.goto(f"{inbox.url}/bundles/{ids['C8']}")
    frame = browser.run(
        "(() => { const f = document.querySelector('iframe');"
        " return [f.getAttribute('sandbox'), f.contentDocument === null]; })()"
    )
    assert frame == ["", True]  # sandboxed: its document is not this page's to reach
    bundle_png = browser.screenshot(tmp_path / "inbox-bundle.png")
    for shot in (list_png, groups_png, bundle_png):
        # A blank or error page compresses to a few KB; these hold tables and the report.
        assert _png_size(shot) == (1366, 900) and shot.stat().st_size > 30_000, shot


def test_a_hostile_bundle_shows_its_markup_as_text(
    browser: Browser, inbox: RunningInbox, tmp_path: Path
) -> None:
    bundle_id = send(inbox, write_hostile_bundle(tmp_path))
    sign_in(browser, inbox)
    for path in ("/bundles", "/groups", f"/bundles/{bundle_id}"):
        browser.goto(inbox.url + path)
        assert f"<h1>{MARK}" in browser.run("document.body.innerText"), path
        injected = browser.run(
            f"[...document.querySelectorAll('h1, img, b')].filter(e => e.textContent.startsWith({MARK!r})"
            " || (e.src || '').startsWith('file:')).length"
        )
        assert injected == 0, path
