"""Screenshots of the inbox's pages for docs/: ``python -m tests.inbox.screens [FOLDER]``.

Runs an inbox (SQLite), uploads forty lab bundles from forty computers, half of them the same
fault (C8: a reset after the ClientHello behind an F5), some with ticket numbers, signs in in headless Chromium and saves the list, the
grouped view and one bundle's page as docs/screenshots/inbox-*.png (or into FOLDER).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import trustme

from tests.inbox.chromium import Browser, spki_pin
from tests.inbox.running import running_inbox
from tests.inbox.samples import ROOT, many_bundles
from tests.inbox.web.test_pages_chromium import sign_in


def main(argv: list[str]) -> int:
    target = Path(argv[0]) if argv else ROOT / "docs" / "screenshots"
    with tempfile.TemporaryDirectory(prefix="inbox-screens-") as temp:
        folder = Path(temp)
        with running_inbox(folder, f"sqlite:///{folder / 'index.sqlite3'}", trustme.CA()) as inbox:
            client = inbox.session()
            ids = []
            for n, bundle in enumerate(many_bundles(folder / "bundles", 40, mostly="C8")):
                headers = {
                    "Content-Disposition": f'attachment; filename="{bundle.name}"',
                    "Accept": "application/json",
                }
                if n % 3 == 0:
                    headers["X-WireSleuth-Ticket"] = f"INC-{4700 + n}"
                answer = client.post(
                    inbox.upload_url, data=bundle.read_bytes(), headers=headers, timeout=30
                )
                answer.raise_for_status()
                ids.append((bundle.stem, answer.json()["id"]))
            browser = Browser(
                folder / "chromium",
                spki_pin(inbox.prepared.certificate.cert.read_bytes()),
                size=(1400, 960),
            )
            try:
                sign_in(browser, inbox)
                browser.screenshot(target / "inbox-list.png")
                browser.goto(inbox.url + "/groups?since=7d")
                browser.screenshot(target / "inbox-groups.png")
                c8 = next(i for name, i in ids if name.endswith("C8"))
                browser.goto(f"{inbox.url}/bundles/{c8}")
                browser.screenshot(target / "inbox-bundle.png")
            finally:
                browser.close()
    for name in ("inbox-list", "inbox-groups", "inbox-bundle"):
        print(target / f"{name}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
