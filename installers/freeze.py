"""What the PyInstaller spec needs to know, kept out of the spec so it can be tested.

The spec (``installers/wiresleuth.spec``) stays a thin list of PyInstaller calls; every
decision (what data to ship, what to leave out, names, versions, the macOS Info.plist) is
made here, the same way on Linux, Windows and macOS.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
"""The repository root."""
PACKAGE_DIR = ROOT / "desktop" / "wiresleuth"
APP_NAME = "WireSleuth"
EXE_NAME = "wiresleuth"
"""The main executable (console subsystem; on Windows it hides its console when double-clicked)."""
SELF_CHECK_NAME = "wiresleuth-selfcheck"
"""The install check shipped beside it (package data, Qt offscreen, profile, capture rights)."""
BUNDLE_ID = "com.wiresleuth.WireSleuth"
BUNDLE_UTI = "com.wiresleuth.bundle"
"""macOS type identifier of a ``.wsbundle`` file."""
BUNDLE_EXTENSION = "wsbundle"
BUNDLE_MIME = "application/x-wiresleuth-bundle"

EXCLUDES = (
    "tkinter",
    "netfilterqueue",  # the lab's packet hold (NFQUEUE); the lab never runs from the frozen app
    "trustme",  # the lab's test certificates
    "pytest",
    "IPython",
    "matplotlib",
    "scapy.tools",  # scapy's developer tools (test runner, table generators); they import yaml
    "yaml",  # PyYAML: only scapy.tools uses it (the installer extra has it for the workflow lint)
    "PySide6.QtSvg",  # pyqtgraph imports these two in try/except ImportError (SVG export and
    "PySide6.QtTest",  # QTest.qWait, neither used); QtOpenGL/QtOpenGLWidgets it imports outright
    "readline",  # interactive consoles only; its libreadline is GPL-3.0-or-later
    *(
        # The helpdesk's inbox is a server installed with pip ('wiresleuth[inbox]'), never
        # part of the desktop app: its package and its libraries stay out (docs/inbox.md).
        "wiresleuth.inbox",
        "starlette",
        "uvicorn",
        "jinja2",
        "multipart",
        "python_multipart",
        "sqlalchemy",
        "alembic",
        "mako",
        "psycopg",
        "psycopg_binary",
        "argon2",
        "_argon2_cffi_bindings",
    ),
)
"""Modules never shipped: test and lab-only tools that an import graph could drag in, and
modules the program never uses that a dependency's import graph names."""

EXCLUDED_BINARIES = ("PySide6/Qt/plugins/platformthemes/libqgtk3.so",)
"""Never shipped: Qt's GTK theme loads GTK, which loads modules named in the user's GTK
settings (``gtk-modules``), even in a process holding capture rights. The libraries only it
needed (the GTK 3 stack, ~17 MB) go with it: ``trimmed_binaries``."""

EXCLUDED_DATA = ("PySide6/Qt/translations/",)
"""Destination prefixes never shipped: Qt's own translations (7 MB); the program has none of
its own, and Qt's alone would give a window in two languages."""


def version() -> str:
    """The program version: ``wiresleuth.__version__``, the single source."""
    import wiresleuth

    return wiresleuth.__version__


def numeric_version(text: str) -> tuple[int, int, int, int]:
    """Four numbers for Windows' version resource and Inno Setup (``0.1.0rc1`` -> 0.1.0.0)."""
    release = Version(text).release
    padded = (*release, 0, 0, 0, 0)[:4]
    return (padded[0], padded[1], padded[2], padded[3])


@dataclass(frozen=True, kw_only=True)
class SpecOptions:
    """Arguments given to the spec after ``--`` on PyInstaller's command line."""

    branding: Path | None = None
    """A folder made by ``installers.branding`` (profile, logo, branding.json), or None."""


def parse_spec_args(argv: list[str]) -> SpecOptions:
    """``pyinstaller installers/wiresleuth.spec -- --branding DIR``."""
    parser = argparse.ArgumentParser(prog="wiresleuth.spec")
    parser.add_argument("--branding", type=Path, help="folder made by installers.branding")
    args = parser.parse_args(argv)
    return SpecOptions(branding=args.branding)


def icon_png(size: int = 512) -> Path:
    """The PNG PyInstaller turns into .ico (Windows) or .icns (macOS) through Pillow."""
    return ROOT / "resources" / "icons" / f"wiresleuth-{size}.png"


EXCLUDED_PACKAGES = ("inbox",)
"""Sub-packages of wiresleuth the app never ships (neither modules nor data): the inbox."""


def _shipped(relative: str) -> bool:
    return relative.split("/", 1)[0] not in EXCLUDED_PACKAGES


def package_data_files() -> list[str]:
    """Package data the app ships (paths relative to the package), via the program's own
    walk, without that of ``EXCLUDED_PACKAGES``."""
    from wiresleuth.resources import package_data

    return [relative for relative in package_data() if _shipped(relative)]


def datas(workdir: Path) -> list[tuple[str, str]]:
    """(source, destination folder) pairs: package data, icons, and the list to check them by."""
    from wiresleuth.resources import PACKAGE_DATA_LIST

    listed = package_data_files()
    workdir.mkdir(parents=True, exist_ok=True)
    listing = workdir / PACKAGE_DATA_LIST
    listing.write_text("".join(f"{p}\n" for p in listed), "utf-8")
    pairs = [(str(listing), ".")]
    for relative in listed:
        parent = Path("wiresleuth", relative).parent
        pairs.append((str(PACKAGE_DIR / relative), parent.as_posix()))
    pairs.extend(
        (str(png), "resources/icons")
        for png in sorted((ROOT / "resources" / "icons").glob("wiresleuth-*.png"))
    )
    return pairs


def orphaned_by_exclusion(
    toc: list[tuple[str, str, str]], needed: Callable[[str], Iterable[str]]
) -> set[str]:
    """Destinations of libraries that only excluded binaries needed, directly or through others.

    ``needed(source)`` gives a library's DT_NEEDED sonames. A library that nothing left needs
    but that something removed did is an orphan; a library nothing ever needed (one loaded by
    ctypes, a plugin) is not. Repeated until nothing changes, so whole chains go.
    """
    binaries = {dest: src for dest, src, kind in toc if kind != "SYMLINK"}
    by_name: dict[str, list[str]] = {}
    for dest in binaries:
        by_name.setdefault(Path(dest).name, []).append(dest)
    needs = {
        dest: {d for name in needed(src) for d in by_name.get(name, [])}
        for dest, src in binaries.items()
    }
    dependents: dict[str, set[str]] = {dest: set() for dest in binaries}
    for dest, wanted in needs.items():
        for library in wanted - {dest}:
            dependents[library].add(dest)
    removed = {dest for dest in binaries if Path(dest).as_posix() in EXCLUDED_BINARIES}
    changed = True
    while changed:
        orphans = {
            dest
            for dest, users in dependents.items()
            if dest not in removed and users and users <= removed
        }
        removed |= orphans
        changed = bool(orphans)
    return removed


def _elf_needed(source: str) -> list[str]:
    from installers.linux.shlibs import ELF_MAGIC, read_elf

    with open(source, "rb") as handle:
        if handle.read(4) != ELF_MAGIC:
            return []
    return list(read_elf(Path(source)).needed)


def trimmed_binaries(toc: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """An Analysis' binaries minus ``EXCLUDED_BINARIES`` and (Linux) the libraries only they needed.

    Symlinks to a removed library (PyInstaller links Qt's libraries into ``_internal``) go too.
    """
    if sys.platform.startswith("linux"):
        removed = orphaned_by_exclusion(toc, _elf_needed)
    else:
        removed = {dest for dest, _, _ in toc if Path(dest).as_posix() in EXCLUDED_BINARIES}
    return [
        entry
        for entry in toc
        if entry[0] not in removed and not (entry[2] == "SYMLINK" and entry[1] in removed)
    ]


def without_excluded_data(toc: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """An Analysis' datas minus those under ``EXCLUDED_DATA``."""
    return [e for e in toc if not Path(e[0]).as_posix().startswith(EXCLUDED_DATA)]


def strip_debug_info(app: Path) -> tuple[int, int]:
    """Remove DWARF debug sections from the app's ELF files (Linux); returns (files, bytes saved).

    A Python built from source (pyenv) and some wheels keep full debug info: libpython alone
    carries 17 MB of it. Only ``--strip-debug`` and only on files that have ``.debug_*``
    sections: the symbol tables stay, and files that carry none (most wheels' libraries,
    rewritten by auditwheel's patchelf) are not touched. Files with a FIPS checksum beside them
    (``.hmac``/``.chk``) are left alone, as PyInstaller's own strip does.
    """
    from installers.linux.shlibs import elf_files

    files = saved = 0
    # Only the libraries: the executables carry PyInstaller's archive appended after the ELF
    # image, which strip would cut off.
    for path in elf_files(app / "_internal"):
        if any(path.with_name(path.name + s).exists() for s in (".hmac", ".chk")):
            continue
        sections = subprocess.run(
            ["readelf", "-SW", str(path)], capture_output=True, text=True, check=True, timeout=60
        ).stdout
        if " .debug_" not in sections:
            continue
        before = path.stat().st_size
        subprocess.run(["strip", "--strip-debug", str(path)], check=True, timeout=120)
        files += 1
        saved += before - path.stat().st_size
    return files, saved


def separate_modules() -> dict[str, str]:
    """PyInstaller's ``module_collection_mode``: Apache-2.0-only packages kept as .py files.

    The program as a whole is conveyed under GPL-2.0 (scapy is GPL-2.0-only), which the FSF
    holds incompatible with Apache-2.0. So, as docs/licensing.md says, the packages licensed
    only under Apache-2.0 (requests, pypac) are not compiled into the executable's archive
    but stay separate source files beside it, loaded at run time, like OpenSSL's libraries.
    """
    from importlib.metadata import packages_distributions

    from wiresleuth.licences import distribution_licence, runtime_closure

    apache_only = {
        d.metadata["Name"].lower()
        for d in runtime_closure()
        if "Apache-2.0" in distribution_licence(d) and " OR " not in distribution_licence(d)
    }
    return {
        module: "py"
        for module, names in sorted(packages_distributions().items())
        if any(n.lower() in apache_only for n in names) and not module.startswith("_")
    }


NOTICE_FILES = ("THIRD-PARTY-NOTICES.txt", "COPYING")
"""Beside the program (and in the macOS app's Resources): the components' licences, the GPL."""


def place_notices(notices_text: Path, destination: Path) -> list[Path]:
    """Copy THIRD-PARTY-NOTICES.txt (made by installers.notices) and COPYING to ``destination``."""
    placed = []
    for source in (notices_text, ROOT / "COPYING"):
        target = destination / source.name
        shutil.copy2(source, target)
        placed.append(target)
    return placed


def hidden_imports() -> list[str]:
    """Every wiresleuth module (but the excluded packages'): commands and wizards are
    imported lazily, out of PyInstaller's sight."""
    found = []
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        parts = path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts
        if parts[-1] == "__main__":
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if len(parts) > 1 and parts[1] in EXCLUDED_PACKAGES:
            continue
        found.append(".".join(parts))
    return found


def windows_version_info(text: str) -> str:
    """A PyInstaller version-resource file (the Properties > Details tab of the .exe)."""
    numbers = numeric_version(text)
    return f"""VSVersionInfo(
  ffi=FixedFileInfo(filevers={numbers}, prodvers={numbers}, mask=0x3f, flags=0x0,
                    OS=0x40004, fileType=0x1, subtype=0x0, date=(0, 0)),
  kids=[
    StringFileInfo([StringTable('040904B0', [
      StringStruct('CompanyName', '{APP_NAME}'),
      StringStruct('FileDescription', '{APP_NAME} network diagnostics'),
      StringStruct('FileVersion', '{text}'),
      StringStruct('InternalName', '{EXE_NAME}'),
      StringStruct('OriginalFilename', '{EXE_NAME}.exe'),
      StringStruct('ProductName', '{APP_NAME}'),
      StringStruct('ProductVersion', '{text}')])]),
    VarFileInfo([VarStruct('Translation', [0x0409, 1200])])
  ]
)
"""


def info_plist(text: str) -> dict[str, object]:
    """Extra Info.plist keys for the macOS app: version, and ``.wsbundle`` files it opens."""
    return {
        "CFBundleShortVersionString": text,
        "CFBundleVersion": text,
        "LSMinimumSystemVersion": "11.0",
        "NSHighResolutionCapable": True,
        "CFBundleDocumentTypes": [
            {
                "CFBundleTypeName": "WireSleuth bundle",
                "CFBundleTypeRole": "Viewer",
                "LSHandlerRank": "Owner",
                "LSItemContentTypes": [BUNDLE_UTI],
            }
        ],
        "UTExportedTypeDeclarations": [
            {
                "UTTypeIdentifier": BUNDLE_UTI,
                "UTTypeDescription": "WireSleuth diagnostic bundle",
                "UTTypeConformsTo": ["public.zip-archive", "public.data"],
                "UTTypeTagSpecification": {
                    "public.filename-extension": [BUNDLE_EXTENSION],
                    "public.mime-type": [BUNDLE_MIME],
                },
            }
        ],
    }


def place_branding(branding: Path | None, destination: Path) -> list[Path]:
    """Copy a branding folder's profile and logo beside the executable (where lookup finds them)."""
    if branding is None:
        return []
    from installers.branding import shipped_files

    placed = []
    for source in shipped_files(branding):
        target = destination / source.name
        shutil.copy2(source, target)
        placed.append(target)
    return placed
