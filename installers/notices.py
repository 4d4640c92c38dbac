"""Third-party notices of the frozen app, made at build time from what PyInstaller bundled.

Every file of the analysis (modules, extension modules, libraries, data) is traced to where
it came from: an installed distribution (its RECORD), the Python runtime, WireSleuth's own
tree, PyInstaller's bootloader and hooks, or (Linux) a Debian package of the build machine.
Each source becomes a component with the licence it declares and the licence files it ships
(``wiresleuth.licences``). A file nobody owns, or a component without any licence text,
stops the build: an installer must not ship without its notices.

Two gaps are filled from texts kept in ``installers/licences/`` and said so in the output:
the PySide6 and shiboken6 wheels ship no licence file, and no wheel carries Qt's own
third-party attribution list (``qt_attribution.json`` lives in Qt's sources); the Qt entry is
generated from the Qt files the wheel bundles, with a pointer to Qt's list.
"""

from __future__ import annotations

import re
import subprocess
import sys
import sysconfig
from collections.abc import Callable, Iterable
from dataclasses import replace
from importlib import metadata
from pathlib import Path

from installers.freeze import ROOT
from wiresleuth.licences import (
    CONVEYED_UNDER,
    COPYING,
    Component,
    LicenceText,
    Notices,
    distribution_component,
    program_component,
    render_text,
    to_json,
)

FALLBACK_TEXTS = Path(__file__).resolve().parent / "licences"
"""SPDX-named licence texts for components that ship none (``<SPDX id>.txt``)."""
NOTICES_NAME = "THIRD-PARTY-NOTICES.txt"
QT_ATTRIBUTION_URL = "https://doc.qt.io/qt-6/licenses-used-in-qt.html"
OWN_FOLDERS = tuple(ROOT / name for name in ("desktop", "installers", "resources", "build"))
"""WireSleuth's own files, and the build's work folder (generated version file, data lists)."""
QT_DISTRIBUTIONS = ("PySide6_Essentials", "PySide6", "PySide6_Addons", "shiboken6")
_SPDX_ID = re.compile(r"[A-Za-z0-9.+-]+")
_OPERATORS = {"AND", "OR", "WITH"}

Toc = Iterable[tuple[str, str, str]]
Owner = Callable[[Path], str | None]


class NoticeError(Exception):
    """A bundled file nobody owns, or a component without licence text."""


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def file_index() -> dict[Path, metadata.Distribution]:
    """Every installed distribution's files (RECORD), resolved -> the distribution."""
    index: dict[Path, metadata.Distribution] = {}
    for dist in metadata.distributions():
        for file in dist.files or []:
            index.setdefault(Path(str(dist.locate_file(file))).resolve(), dist)
    return index


def python_runtime_paths() -> tuple[list[Path], list[Path]]:
    """(folders, single files) that are the Python runtime: the standard library with its
    extension modules, libpython, and on Windows the interpreter's own folder and DLLs."""
    paths = sysconfig.get_paths()
    folders = {Path(paths["stdlib"]), Path(paths["platstdlib"])}
    files = set()
    libdir, soname = sysconfig.get_config_var("LIBDIR"), sysconfig.get_config_var("INSTSONAME")
    if libdir and soname:
        files.add(Path(libdir) / soname)
    if sys.platform == "win32":
        folders.add(Path(sys.base_prefix) / "DLLs")
        files.update(Path(sys.base_prefix).glob("*.dll"))
    return sorted({p.resolve() for p in folders}), sorted({p.resolve() for p in files})


def debian_package(path: Path) -> str | None:
    """The Debian package owning a library of the build machine (None elsewhere)."""
    from installers.linux.shlibs import dpkg_owner

    return dpkg_owner(path)


class Attribution:
    """Which component each bundled file belongs to."""

    def __init__(
        self,
        *,
        index: dict[Path, metadata.Distribution] | None = None,
        runtime: tuple[list[Path], list[Path]] | None = None,
        system_owner: Owner = debian_package,
        roots: tuple[Path, ...] = OWN_FOLDERS,
    ) -> None:
        self.index = file_index() if index is None else index
        self.runtime_folders, self.runtime_files_known = (
            python_runtime_paths() if runtime is None else runtime
        )
        self.system_owner = system_owner
        self.roots = roots
        self.distributions: dict[str, metadata.Distribution] = {}
        self.qt_files: set[str] = set()
        self.runtime_files = 0
        self.system: dict[str, set[str]] = {}
        self.unowned: list[str] = []

    def add(self, destination: str, source: str) -> None:
        """Attribute one TOC entry."""
        if source in ("", "-") or source is None:
            return
        path = Path(source).resolve()
        dist = self.index.get(path)
        if dist is not None and _canonical(dist.metadata["Name"]) != "wiresleuth":
            self.distributions.setdefault(_canonical(dist.metadata["Name"]), dist)
            if dist.metadata["Name"] in QT_DISTRIBUTIONS and "/Qt/" in f"/{destination}":
                self.qt_files.add(Path(destination).name)
            return
        if any(path.is_relative_to(root) for root in self.roots):
            return  # WireSleuth's own files, and what the build writes into its work folder
        if path in self.runtime_files_known or any(
            path.is_relative_to(folder) for folder in self.runtime_folders
        ):
            self.runtime_files += 1
            return
        package = self.system_owner(Path(source))
        if package is None:
            self.unowned.append(f"{destination} (from {source})")
        else:
            self.system.setdefault(package, set()).add(Path(destination).name)

    def add_toc(self, toc: Toc) -> None:
        for destination, source, kind in toc:
            if kind != "SYMLINK":
                self.add(destination, source)


def spdx_ids(expression: str) -> list[str]:
    """Licence identifiers of an SPDX expression (operators and exceptions left out)."""
    words = _SPDX_ID.findall(expression)
    ids, after_with = [], False
    for word in words:
        if word in _OPERATORS:
            after_with = word == "WITH"
            continue
        if not after_with:
            ids.append(word)
        after_with = False
    return ids


def with_fallback_texts(component: Component, folder: Path = FALLBACK_TEXTS) -> Component:
    """The component, given the SPDX texts of its licences when it ships none of its own."""
    if component.texts:
        return component
    texts = []
    for spdx in spdx_ids(component.licence):
        path = folder / f"{spdx}.txt"
        if path.is_file():
            texts.append(LicenceText(name=f"{spdx} (SPDX text)", text=path.read_text("utf-8")))
    if not texts:
        return component
    note = (
        f"The {component.name} package ships no licence file; the texts below are the standard "
        f"texts of the licences its metadata declares ({component.licence})."
    )
    return replace(component, texts=tuple(texts), note=note)


def python_runtime() -> Component:
    """The Python interpreter and standard library (libpython, lib-dynload, the stdlib)."""
    candidates = [
        Path(sysconfig.get_paths()["stdlib"]) / "LICENSE.txt",
        Path(sys.base_prefix) / "LICENSE.txt",
    ]
    texts = tuple(
        LicenceText(name=f"Python {sys.version.split()[0]} {p.name}", text=p.read_text("utf-8"))
        for p in candidates[:2]
        if p.is_file()
    )[:1]
    return Component(
        name="Python",
        version=sys.version.split()[0],
        licence="PSF-2.0",
        kind="python runtime",
        texts=texts,
    )


def pyinstaller_component() -> Component:
    """PyInstaller's bootloader starts every executable of the app."""
    component = distribution_component(metadata.distribution("pyinstaller"))
    return replace(
        component,
        licence="GPL-2.0-or-later WITH Bootloader-exception",
        note="The bootloader in each executable and PyInstaller's runtime modules; its licence "
        "(GPL-2.0-or-later with the bootloader exception) places no terms on the program.",
    )


def qt_component(pyside: metadata.Distribution, files: set[str]) -> Component:
    """Qt 6 itself, as bundled in the PySide6 wheel."""
    component = Component(
        name="Qt",
        version=pyside.version,
        licence=distribution_component(pyside).licence,
        kind="qt",
        files=tuple(sorted(files)),
    )
    filled = with_fallback_texts(component)
    note = (
        "Qt's C++ libraries and plugins, as bundled in the PySide6 wheel (the files listed "
        "here). The wheel carries neither Qt's licence files nor Qt's list of the third-party "
        "code inside Qt (qt_attribution.json is part of Qt's sources): this entry was generated "
        "from the wheel's metadata and the files it bundles. Qt's own list of third-party "
        f"components and their licences: {QT_ATTRIBUTION_URL}. The ICU libraries (libicu*) "
        "are the Unicode ICU project's, under the Unicode licence."
    )
    return replace(filled, note=note)


def debian_component(package: str, files: set[str]) -> Component:
    """A system library copied from the build machine, with its Debian copyright file."""
    version = subprocess.run(
        ["dpkg-query", "-W", "-f=${Version}", package],
        capture_output=True, text=True, check=False, timeout=60,
    ).stdout.strip()  # fmt: skip
    copyright_file = Path("/usr/share/doc") / package.split(":")[0] / "copyright"
    texts: tuple[LicenceText, ...] = ()
    licence = "see its Debian copyright file"
    if copyright_file.is_file():
        text = copyright_file.read_text("utf-8", errors="replace")
        texts = (LicenceText(name=str(copyright_file), text=text),)
        if text.startswith("Format:"):  # machine-readable (DEP-5): its License: short names
            names = re.findall(r"^License:\s*(\S.*?)\s*$", text, re.MULTILINE)
            licence = "Debian copyright file names: " + ", ".join(dict.fromkeys(names))
    return Component(
        name=package,
        version=version or "unknown",
        licence=licence,
        kind="system library",
        texts=texts,
        note="A library of the build machine's Debian system, bundled unmodified.",
        files=tuple(sorted(files)),
    )


def collect(attribution: Attribution, copying: Path = ROOT / COPYING) -> Notices:
    """The notices for everything attributed; raises NoticeError on a gap."""
    from wiresleuth import __version__

    if attribution.unowned:
        raise NoticeError(
            "bundled files of unknown origin (no licence can be given for them):\n  "
            + "\n  ".join(sorted(attribution.unowned))
        )
    components = [program_component(copying), python_runtime(), pyinstaller_component()]
    packages = [
        with_fallback_texts(distribution_component(dist))
        for key, dist in sorted(attribution.distributions.items())
        if key != "pyinstaller"
    ]
    components += packages
    pyside = next(
        (d for k, d in attribution.distributions.items() if k == "pyside6-essentials"), None
    )
    if pyside is not None:
        components.append(qt_component(pyside, attribution.qt_files))
    components += [debian_component(p, f) for p, f in sorted(attribution.system.items())]
    missing = [f"{c.name} {c.version}" for c in components if not c.texts]
    if missing:
        raise NoticeError(
            "no licence text for: "
            + ", ".join(missing)
            + f" (add the SPDX text to {FALLBACK_TEXTS})"
        )
    return Notices(
        version=__version__,
        conveyed_under=CONVEYED_UNDER,
        origin="build",
        components=tuple(components),
    )


def write(notices: Notices, folder: Path) -> tuple[Path, Path]:
    """``licences.json`` (read by the program) and THIRD-PARTY-NOTICES.txt, in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    data = folder / "licences.json"
    data.write_text(to_json(notices), "utf-8")
    text = folder / NOTICES_NAME
    text.write_text(render_text(notices), "utf-8")
    return data, text


def for_analyses(analyses: Iterable[object], folder: Path) -> tuple[Path, Path]:
    """The spec's entry point: attribute every TOC of the analyses, collect, write ``folder``
    (the build's work folder: the files PyInstaller generates there are the build's own)."""
    attribution = Attribution(roots=(*OWN_FOLDERS, folder.parent.resolve()))
    for analysis in analyses:
        for part in ("scripts", "pure", "binaries", "datas"):
            attribution.add_toc(getattr(analysis, part))
    notices = collect(attribution)
    written = write(notices, folder)
    print(
        f"notices: {len(notices.components)} components ({len(attribution.distributions)} Python "
        f"packages, {len(attribution.system)} system packages) -> {written[1]}"
    )
    return written
