"""What the PyInstaller spec needs to know, kept out of the spec so it can be tested.

The spec (``installers/wiresleuth.spec``) stays a thin list of PyInstaller calls; every
decision (what data to ship, what to leave out, names, versions, the macOS Info.plist) is
made here, the same way on Linux, Windows and macOS.
"""

from __future__ import annotations

import argparse
import shutil
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
)
"""Modules never shipped: test and lab-only tools that an import graph could drag in."""

EXCLUDED_BINARIES = ("PySide6/Qt/plugins/platformthemes/libqgtk3.so",)
"""Never shipped: Qt's GTK theme loads GTK, which loads modules named in the user's GTK
settings (``gtk-modules``), even in a process holding capture rights."""


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


def package_data_files() -> list[str]:
    """Package data in the source tree (paths relative to the package), via the program's own walk."""
    from wiresleuth.resources import package_data

    return package_data()


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


def without_excluded_binaries(toc: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """An Analysis' binaries minus ``EXCLUDED_BINARIES`` (compared as destination paths)."""
    return [entry for entry in toc if Path(entry[0]).as_posix() not in EXCLUDED_BINARIES]


def hidden_imports() -> list[str]:
    """Every wiresleuth module: commands and wizards are imported lazily, out of PyInstaller's sight."""
    found = []
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        parts = path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts
        if parts[-1] == "__main__":
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
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
