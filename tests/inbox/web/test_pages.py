"""The engineers' pages over HTTPS: sign-in apart from upload tokens, CSRF, the list and
its filters, the grouped view, a bundle's page with its sandboxed report, download and
deletion; every string from a bundle escaped. Chromium renders them in test_pages_chromium.
"""

import re
from pathlib import Path

import pytest
import requests

from tests.gui.hostile_bundles import MARK, write_hostile_bundle
from tests.inbox.running import PASSWORD, RunningInbox
from tests.inbox.samples import FORMAT_1, LAB_BUNDLES, lab_bundle, sha256_of
from wiresleuth.inbox.web.headers import REPORT_POLICY


def send(inbox: RunningInbox, bundle: Path, ticket: str = "") -> str:
    """Upload ``bundle``; its id."""
    headers = {
        "Accept": "application/json",
        "Content-Disposition": f'attachment; filename="{bundle.name}"',
    }
    if ticket:
        headers["X-WireSleuth-Ticket"] = ticket
    answer = inbox.session().post(
        inbox.upload_url, data=bundle.read_bytes(), headers=headers, timeout=30
    )
    assert answer.status_code in (200, 201), answer.text
    return str(answer.json()["id"])


@pytest.fixture
def filled(inbox: RunningInbox) -> dict[str, str]:
    """Every lab bundle and the writer's sample, with ticket numbers: name -> id."""
    ids = {path.stem: send(inbox, path, ticket=f"INC-{n}") for n, path in enumerate(LAB_BUNDLES)}
    ids["format-1"] = send(inbox, FORMAT_1)
    return ids


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, page
    return found.group(1)


def test_pages_need_an_engineer_and_a_token_is_not_one(
    inbox: RunningInbox, filled: dict[str, str]
) -> None:
    client = inbox.session()
    for path in (
        "/bundles",
        "/groups",
        f"/bundles/{filled['C8']}",
        f"/bundles/{filled['C8']}/download",
    ):
        answer = client.get(inbox.url + path, allow_redirects=False, timeout=10)
        assert answer.status_code == 303 and answer.headers["Location"].startswith("/signin?next=")
        with_token = client.get(
            inbox.url + path, headers={"Authorization": f"Bearer {inbox.token}"},
            allow_redirects=False, timeout=10,
        )  # fmt: skip
        assert with_token.status_code == 303
    report = client.get(f"{inbox.url}/bundles/{filled['C8']}/report.html", timeout=10)
    assert report.status_code == 401


def test_sign_in_checks_password_csrf_and_origin(inbox: RunningInbox) -> None:
    client = inbox.session()
    token = csrf_of(client.get(inbox.url + "/signin", timeout=10).text)
    form = {"csrf": token, "name": "alice", "password": "wrong password!", "next": "/bundles"}
    wrong = client.post(inbox.url + "/signin", data=form, headers={"Origin": inbox.url}, timeout=10)
    assert wrong.status_code == 401 and "Wrong name or password." in wrong.text
    unknown = client.post(
        inbox.url + "/signin",
        data={**form, "name": "mallory"},
        headers={"Origin": inbox.url},
        timeout=10,
    )
    assert unknown.status_code == 401  # the same answer: no telling which names exist
    good = {**form, "password": PASSWORD}
    forged = client.post(
        inbox.url + "/signin",
        data={**good, "csrf": "x" * 32},
        headers={"Origin": inbox.url},
        timeout=10,
    )
    assert forged.status_code == 403
    elsewhere = client.post(
        inbox.url + "/signin", data=good, headers={"Origin": "https://evil.example"}, timeout=10
    )
    assert elsewhere.status_code == 403
    fresh = inbox.session()  # no sign-in cookie: the form's token alone is not enough
    assert fresh.post(inbox.url + "/signin", data=good, timeout=10).status_code == 403
    ok = client.post(
        inbox.url + "/signin",
        data=good,
        headers={"Origin": inbox.url},
        allow_redirects=False,
        timeout=10,
    )
    assert ok.status_code == 303 and ok.headers["Location"] == "/bundles"
    cookie = next(c for c in client.cookies if c.name == "__Host-wsinbox")
    assert cookie.secure and cookie.has_nonstandard_attr("HttpOnly") and cookie.path == "/"


def test_guessing_passwords_is_slowed_down(inbox: RunningInbox) -> None:
    client = inbox.session()
    token = csrf_of(client.get(inbox.url + "/signin", timeout=10).text)
    form = {"csrf": token, "name": "alice", "password": "guess", "next": "/"}
    codes = [
        client.post(
            inbox.url + "/signin", data=form, headers={"Origin": inbox.url}, timeout=10
        ).status_code
        for _ in range(11)
    ]
    assert codes == [401] * 10 + [429]
    right = {**form, "password": PASSWORD}
    assert (
        client.post(
            inbox.url + "/signin", data=right, headers={"Origin": inbox.url}, timeout=10
        ).status_code
        == 429
    )


def test_a_next_page_elsewhere_is_not_followed(inbox: RunningInbox) -> None:
    client = inbox.session()
    token = csrf_of(client.get(inbox.url + "/signin?next=//evil.example/x", timeout=10).text)
    form = {"csrf": token, "name": "alice", "password": PASSWORD, "next": "https://evil.example/"}
    ok = client.post(
        inbox.url + "/signin",
        data=form,
        headers={"Origin": inbox.url},
        allow_redirects=False,
        timeout=10,
    )
    assert ok.headers["Location"] == "/bundles"


def test_the_list_shows_who_when_ticket_headline_and_route(
    inbox: RunningInbox, filled: dict[str, str]
) -> None:
    client = inbox.signed_in()
    page = client.get(inbox.url + "/bundles", timeout=10).text
    assert '<span class="count">6</span>' in page
    assert "laptop-042" in page and "INC-0" in page and "direct (system settings)" in page
    assert "A device near you answers for legacy.lab.test" in page
    c8 = client.get(
        inbox.url + "/bundles", params={"finding": "tls.reset_after_client_hello"}, timeout=10
    ).text
    assert f"/bundles/{filled['C8']}" in c8 and f"/bundles/{filled['C1']}" not in c8
    assert f"/bundles/{filled['format-1']}" in c8  # it has that finding too, not as headline
    by_site = client.get(
        inbox.url + "/bundles", params={"site": "chat.lab.test:443"}, timeout=10
    ).text
    assert '<span class="count">1</span>' in by_site and f"/bundles/{filled['C1']}" in by_site
    by_text = client.get(inbox.url + "/bundles", params={"q": "inc-3"}, timeout=10).text
    assert '<span class="count">1</span>' in by_text


def test_the_grouped_view_counts_bundles_and_links_to_them(
    inbox: RunningInbox, filled: dict[str, str]
) -> None:
    client = inbox.signed_in()
    page = client.get(inbox.url + "/groups", timeout=10).text
    assert "6 bundles" in page
    # five lab bundles and the sample share one resolver and one subnet each
    row = re.search(r'href="/bundles\?subnet=198\.18\.1\.0%2F24">(\d+)</a>', page)
    assert row and row.group(1) == "5"
    row = re.search(r'href="/bundles\?finding=path\.tcp_intercepted">(\d+)</a>', page)
    assert row and row.group(1) == "2"  # C6 and the sample
    assert re.search(
        r'href="/groups\?gateway=F5\+Networks%2C\+Inc\."[^>]*>F5 Networks, Inc\.</a>', page
    )
    narrowed = client.get(
        inbox.url + "/groups", params={"gateway": "F5 Networks, Inc."}, timeout=10
    ).text
    assert "2 bundles" in narrowed and "Gateway vendor: F5 Networks, Inc." in narrowed


def test_the_bundle_page_shows_its_report_sandboxed_and_offers_the_file(
    inbox: RunningInbox, filled: dict[str, str]
) -> None:
    client = inbox.signed_in()
    bundle_id = filled["C8"]
    page = client.get(f"{inbox.url}/bundles/{bundle_id}", timeout=10)
    assert '<iframe sandbox="" src="/bundles/' in page.text
    assert sha256_of(next(p for p in LAB_BUNDLES if p.stem == "C8")) in page.text
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY" and page.headers["Cache-Control"] == "no-store"
    report = client.get(f"{inbox.url}/bundles/{bundle_id}/report.html", timeout=10)
    assert report.headers["Content-Security-Policy"] == REPORT_POLICY
    assert report.headers["Content-Security-Policy"].startswith("sandbox;")
    assert (
        report.headers["Content-Type"] == "text/html; charset=utf-8"
        and "portal.lab.test" in report.text
    )
    download = client.get(f"{inbox.url}/bundles/{bundle_id}/download", timeout=10)
    assert download.content == next(p for p in LAB_BUNDLES if p.stem == "C8").read_bytes()
    assert download.headers["Content-Disposition"] == 'attachment; filename="C8.wsbundle"'


def test_every_string_from_a_bundle_is_escaped(inbox: RunningInbox, tmp_path: Path) -> None:
    bundle_id = send(inbox, write_hostile_bundle(tmp_path))
    client = inbox.signed_in()
    for path in ("/bundles", "/groups", f"/bundles/{bundle_id}", "/bundles?q=%3Ch1%3E"):
        page = client.get(inbox.url + path, timeout=10).text
        assert f"<h1>{MARK}" not in page and '<img src="file:' not in page
    page = client.get(f"{inbox.url}/bundles/{bundle_id}", timeout=10).text
    assert f"&lt;h1&gt;{MARK}&lt;/h1&gt;" in page  # shown, as text
    listing = client.get(inbox.url + "/bundles", timeout=10).text
    assert f"&lt;h1&gt;{MARK}" in listing


def test_deleting_needs_the_form_token_and_removes_file_and_rows(
    inbox: RunningInbox, filled: dict[str, str]
) -> None:
    client = inbox.signed_in()
    bundle_id = filled["C1"]
    row = inbox.store.find(bundle_id)
    assert row is not None
    path = inbox.store.path_of(row)
    page = client.get(f"{inbox.url}/bundles/{bundle_id}", timeout=10).text
    target = f"{inbox.url}/bundles/{bundle_id}/delete"
    forged = client.post(
        target, data={"csrf": "forged", "confirm": "yes"}, headers={"Origin": inbox.url}, timeout=10
    )
    assert forged.status_code == 403 and path.exists()
    unconfirmed = client.post(
        target, data={"csrf": csrf_of(page)}, headers={"Origin": inbox.url}, timeout=10
    )
    assert unconfirmed.status_code == 200 and path.exists()
    done = client.post(
        target, data={"csrf": csrf_of(page), "confirm": "yes"}, headers={"Origin": inbox.url},
        allow_redirects=False, timeout=10,
    )  # fmt: skip
    assert done.status_code == 303
    assert inbox.store.find(bundle_id) is None and not path.exists()
    assert inbox.store.findings_of(bundle_id) == [] and inbox.store.facets_of(bundle_id) == []
    assert client.get(f"{inbox.url}/bundles/{bundle_id}", timeout=10).status_code == 404


def test_signing_out_ends_the_session(inbox: RunningInbox) -> None:
    client = inbox.signed_in()
    page = client.get(inbox.url + "/bundles", timeout=10).text
    stolen = requests.utils.dict_from_cookiejar(client.cookies)
    client.post(
        inbox.url + "/signout",
        data={"csrf": csrf_of(page)},
        headers={"Origin": inbox.url},
        timeout=10,
    )
    replay = inbox.session()
    replay.cookies.update(stolen)
    answer = replay.get(inbox.url + "/bundles", allow_redirects=False, timeout=10)
    assert answer.status_code == 303


def test_the_refused_uploads_are_listed_for_engineers(inbox: RunningInbox) -> None:
    answer = inbox.session().post(
        inbox.upload_url, data=b"<script>alert(1)</script>" * 10,
        headers={"Content-Disposition": 'attachment; filename="<b>evil<i>.wsbundle"'}, timeout=10,
    )  # fmt: skip
    assert answer.status_code == 422
    client = inbox.signed_in()
    assert (
        "1 upload refused in the last 7 days" in client.get(inbox.url + "/bundles", timeout=10).text
    )
    page = client.get(inbox.url + "/refused", timeout=10).text
    assert (
        "&lt;b&gt;evil&lt;i&gt;.wsbundle" in page
        and "not a zip file" in page
        and "<b>evil" not in page
    )


def test_a_watchs_bundle_is_received_and_listed_with_its_headline(inbox: RunningInbox) -> None:
    """A watch's bundle (several runs, report.json ``watch``) passes the reader like a run's."""
    watch = lab_bundle("flaky-policer")
    bundle_id = send(inbox, watch, ticket="INC-W")
    client = inbox.signed_in()
    page = client.get(inbox.url + "/bundles", timeout=10).text
    assert "INC-W" in page and f"/bundles/{bundle_id}" in page
    assert "A network policy drops large packets" in page
    detail = client.get(inbox.url + f"/bundles/{bundle_id}", timeout=10)
    assert detail.status_code == 200 and sha256_of(watch) in detail.text
