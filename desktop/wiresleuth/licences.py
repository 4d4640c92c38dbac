"""Licences of the program and of every component it runs on, for Help > About > Licences.

The installers generate the list at build time from what PyInstaller bundled
(``installers/notices.py`` writes ``licences/licences.json`` into the app); this module
reads it back. A source run has no such file: the list is then read from the installed
packages' metadata (the program's runtime requirements, followed to the end), which is what
that run uses. Texts are plain text and are shown as such.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from wiresleuth import __version__
from wiresleuth.resources import bundled_root, is_frozen

PROGRAM_LICENCE = "GPL-2.0-or-later"
"""WireSleuth's own code."""
CONVEYED_UNDER = "GPL-2.0"
"""The program as shipped: it contains scapy (GPL-2.0-only), so the whole is GPL version 2."""
NOTICES_FILE = Path("licences") / "licences.json"
"""Where the installers put the generated list, relative to ``resources.bundled_root()``."""
COPYING = "COPYING"
"""The GPL version 2 text: at the top of the source tree and beside the frozen program."""
_TEXT_NAME = re.compile(r"(LICEN[CS]E|COPYING|NOTICE|COPYRIGHT|AUTHORS)", re.IGNORECASE)
_REQUIREMENT_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


@dataclass(frozen=True, kw_only=True)
class LicenceText:
    """One licence or notice file of a component."""

    name: str
    """Where it came from, e.g. ``requests-2.32.3.dist-info/licenses/LICENSE``."""
    text: str


@dataclass(frozen=True, kw_only=True)
class Component:
    """A part of the program with its own licence."""

    name: str
    version: str
    licence: str
    """SPDX expression when the component declares one, else its own words."""
    kind: str
    """"program", "python package", "python runtime", "qt", "system library"."""
    texts: tuple[LicenceText, ...] = ()
    note: str = ""
    """Where the texts came from when not from the component itself, and what is missing."""
    files: tuple[str, ...] = field(default=())
    """For the Qt entry and system libraries: the bundled files it covers."""


@dataclass(frozen=True, kw_only=True)
class Notices:
    """The program's licence and its components'."""

    version: str
    conveyed_under: str
    origin: str
    """"build": generated when the installer was built; "installed": from a source run's packages."""
    components: tuple[Component, ...]


def _field(dist: metadata.Distribution, name: str) -> str:
    values = dist.metadata.get_all(name) or []
    return str(values[0]).strip() if values else ""


def distribution_licence(dist: metadata.Distribution) -> str:
    """License-Expression, else a short License field, else the licence classifiers."""
    meta = dist.metadata
    expression = _field(dist, "License-Expression")
    if expression:
        return expression
    free = _field(dist, "License")
    if free and "\n" not in free and len(free) <= 80:
        return free
    classifiers = [
        c.split("::")[-1].strip()
        for c in (meta.get_all("Classifier") or [])
        if c.startswith("License ::") and c.count("::") >= 2
    ]
    if classifiers:
        return " AND ".join(dict.fromkeys(classifiers))
    return free.splitlines()[0] if free else "not stated in the package metadata"


def _dist_info_files(dist: metadata.Distribution) -> list[Any]:
    return [
        f
        for f in (dist.files or [])
        if f.parts
        and f.parts[0].endswith((".dist-info", ".egg-info"))
        and _TEXT_NAME.search(f.name)
    ]


def distribution_texts(dist: metadata.Distribution) -> tuple[LicenceText, ...]:
    """The licence and notice files the distribution ships in its metadata folder."""
    texts = []
    for file in sorted(_dist_info_files(dist), key=str):
        path = Path(str(dist.locate_file(file)))
        if path.is_file():
            texts.append(
                LicenceText(name=str(file), text=path.read_text("utf-8", errors="replace"))
            )
    return tuple(texts)


def distribution_component(dist: metadata.Distribution) -> Component:
    """A Python package from its installed metadata."""
    return Component(
        name=dist.metadata["Name"],
        version=dist.version,
        licence=distribution_licence(dist),
        kind="python package",
        texts=distribution_texts(dist),
    )


def _requirement_names(dist: metadata.Distribution) -> list[str]:
    """Names of the runtime requirements (those of extras left out)."""
    names = []
    for line in dist.requires or []:
        requirement, _, marker = line.partition(";")
        if "extra" in marker:
            continue
        found = _REQUIREMENT_NAME.match(requirement)
        if found:
            names.append(found.group(1))
    return names


def runtime_closure(root: str = "wiresleuth") -> list[metadata.Distribution]:
    """The installed distributions ``root`` needs at run time, followed to the end, ``root`` excluded.

    A requirement whose marker excludes this platform is normally not installed, and is then
    skipped like any requirement that is absent.
    """
    seen: dict[str, metadata.Distribution] = {}
    pending = [root]
    while pending:
        name = pending.pop()
        key = re.sub(r"[-_.]+", "-", name).lower()
        if key in seen:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        seen[key] = dist
        pending.extend(_requirement_names(dist))
    seen.pop(re.sub(r"[-_.]+", "-", root).lower(), None)
    return sorted(seen.values(), key=lambda d: d.metadata["Name"].lower())


def program_component(copying: Path | None) -> Component:
    """WireSleuth itself."""
    texts: tuple[LicenceText, ...] = ()
    if copying is not None and copying.is_file():
        texts = (LicenceText(name=COPYING, text=copying.read_text("utf-8")),)
    return Component(
        name="WireSleuth",
        version=__version__,
        licence=PROGRAM_LICENCE,
        kind="program",
        texts=texts,
        note=(
            f"WireSleuth's own code is {PROGRAM_LICENCE}. The program as shipped contains "
            f"scapy (GPL-2.0-only) and is conveyed as a whole under {CONVEYED_UNDER}."
        ),
    )


def to_json(notices: Notices) -> str:
    """The file the installers write."""
    return json.dumps(asdict(notices), indent=1, ensure_ascii=False)


def from_json(text: str) -> Notices:
    """Read what ``to_json`` wrote."""
    raw = json.loads(text)
    components = tuple(
        Component(
            **{
                **c,
                "texts": tuple(LicenceText(**t) for t in c["texts"]),
                "files": tuple(c.get("files", ())),
            }
        )
        for c in raw["components"]
    )
    return Notices(
        version=raw["version"],
        conveyed_under=raw["conveyed_under"],
        origin=raw["origin"],
        components=components,
    )


def installed_notices() -> Notices:
    """A source run: the program and its runtime requirements as installed."""
    copying = bundled_root() / COPYING
    components = [program_component(copying)]
    components += [distribution_component(d) for d in runtime_closure()]
    return Notices(
        version=__version__,
        conveyed_under=CONVEYED_UNDER,
        origin="installed",
        components=tuple(components),
    )


def load() -> Notices:
    """The frozen app's generated list; in a source run, the installed packages'.

    A frozen app without the file is a broken build: the error says so rather than showing
    a list that would not be the shipped one.
    """
    path = bundled_root() / NOTICES_FILE
    if is_frozen():
        if not path.is_file():
            raise FileNotFoundError(
                f"{path}: this build lacks its licence list (installers/notices.py)"
            )
        return from_json(path.read_text("utf-8"))
    return installed_notices()


def render_text(notices: Notices) -> str:
    """Every component's licence and texts as one plain-text document (THIRD-PARTY-NOTICES.txt)."""
    rule = "=" * 78
    lines = [
        f"WireSleuth {notices.version}: licences",
        "",
        f"WireSleuth's own code is licensed {PROGRAM_LICENCE}. The program as distributed",
        f"contains scapy (GPL-2.0-only) and is conveyed as a whole under {CONVEYED_UNDER}",
        "(the text is in COPYING). The components below keep their own licences; each is listed",
        "with the licence it declares and the licence and notice files it ships.",
        "",
        "Contents:",
    ]
    lines += [f"  {c.name} {c.version}: {c.licence}" for c in notices.components]
    for component in notices.components:
        lines += ["", rule, f"{component.name} {component.version} ({component.kind})"]
        lines.append(f"Licence: {component.licence}")
        if component.note:
            lines.append(f"Note: {component.note}")
        if component.files:
            lines.append("Files: " + ", ".join(component.files))
        for text in component.texts:
            lines += ["", f"--- {text.name} ---", text.text.rstrip()]
    return "\n".join(lines) + "\n"
