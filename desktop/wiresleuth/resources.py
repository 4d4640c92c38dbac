"""Finding the program's files the same way from the source tree and from the frozen app.

Package data (the report's CSS, the report schema, the lab's scenarios) is always read with
``importlib.resources``; PyInstaller's importer serves it from the app folder. Files that
live outside the package (the application icon under ``resources/``) are found next to the
package in a source tree, or in PyInstaller's ``sys._MEIPASS`` in the frozen app.
"""

from __future__ import annotations

import sys
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

PACKAGE = "wiresleuth"
DATA_SUFFIXES = (".css", ".json", ".toml", ".html")
"""Package data kinds (pyproject's ``package-data`` globs say the same for wheels)."""

PACKAGE_DATA_LIST = "wiresleuth-package-data.txt"
"""In the frozen app: the package data the source tree had at build time, one path a line."""

ICON_SIZES = (16, 32, 48, 64, 128, 256, 512)
"""PNG sizes of the application icon under ``resources/icons``."""


def is_frozen() -> bool:
    """Whether this is the PyInstaller-built app rather than a Python environment."""
    return bool(getattr(sys, "frozen", False)) and hasattr(sys, "_MEIPASS")


def bundled_root() -> Path:
    """Folder holding files from outside the package: the app's data folder, or the repo."""
    if is_frozen():
        return Path(sys._MEIPASS)  # type: ignore[attr-defined]  # set by PyInstaller
    return Path(__file__).resolve().parents[2]


def app_icon(size: int = 256) -> Path | None:
    """The application icon PNG of one size, or None in an install that lacks it (a wheel)."""
    if size not in ICON_SIZES:
        raise ValueError(f"no icon of size {size}; sizes: {ICON_SIZES}")
    path = bundled_root() / "resources" / "icons" / f"wiresleuth-{size}.png"
    return path if path.is_file() else None


def _walk(folder: Traversable, prefix: str) -> list[str]:
    found: list[str] = []
    for item in folder.iterdir():
        name = f"{prefix}{item.name}"
        if item.is_dir():
            if item.name != "__pycache__":
                found.extend(_walk(item, f"{name}/"))
        elif item.name.endswith(DATA_SUFFIXES):
            found.append(name)
    return found


def package_data() -> list[str]:
    """Package data files present now, as paths relative to the package, sorted."""
    return sorted(_walk(resources.files(PACKAGE), ""))


def expected_package_data() -> list[str]:
    """What must be present: the build-time list in the frozen app, the tree from source."""
    if is_frozen():
        listing = bundled_root() / PACKAGE_DATA_LIST
        return [line for line in listing.read_text("utf-8").splitlines() if line]
    return package_data()


def unreadable_package_data(expected: list[str] | None = None) -> list[str]:
    """Expected package data that ``importlib.resources`` cannot read (empty when all is well)."""
    root = resources.files(PACKAGE)
    missing = []
    for relative in expected if expected is not None else expected_package_data():
        item = root.joinpath(*relative.split("/"))
        try:
            item.read_bytes()
        except OSError:
            missing.append(relative)
    return missing
