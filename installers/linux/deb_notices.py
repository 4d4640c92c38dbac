"""The package's licence documents: /usr/share/doc/wiresleuth/copyright and the notices.

The copyright file is ``debian/copyright`` with the app's components filled in from the list
the PyInstaller build generated (``_internal/licences/licences.json``, made by
``installers.notices``); THIRD-PARTY-NOTICES.txt, the components' full licence and notice
texts, is copied beside it. An app folder without that list was not built by our spec (or
its notices step failed): no package is made from it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from installers.notices import NOTICES_NAME
from wiresleuth.licences import NOTICES_FILE, Notices, from_json

TEMPLATE = Path(__file__).resolve().parent / "debian" / "copyright"
PLACEHOLDER = "@COMPONENTS@"


def app_notices(app: Path) -> Notices:
    """The notices the build wrote into the app folder."""
    path = app / "_internal" / NOTICES_FILE
    if not path.is_file():
        raise SystemExit(
            f"{path} is missing: build the app with installers/wiresleuth.spec (make installer)"
        )
    return from_json(path.read_text("utf-8"))


def copyright_text(notices: Notices, template: str | None = None) -> str:
    """debian/copyright with one Comment line per component."""
    text = TEMPLATE.read_text("utf-8") if template is None else template
    lines = [
        f"  {c.name} {c.version}: {' '.join(c.licence.split())}"
        for c in notices.components
        if c.kind != "program"
    ]
    return text.replace(PLACEHOLDER, "\n".join(lines))


def stage_notices(app: Path, doc: Path) -> None:
    """usr/share/doc/wiresleuth/{copyright, THIRD-PARTY-NOTICES.txt} from the app folder."""
    notices = app_notices(app)
    doc.mkdir(parents=True, exist_ok=True)
    (doc / "copyright").write_text(copyright_text(notices), "utf-8")
    shutil.copyfile(app / NOTICES_NAME, doc / NOTICES_NAME)
    for name in ("copyright", NOTICES_NAME):
        (doc / name).chmod(0o644)
