"""Which profile a run uses when the user names none.

A helpdesk bakes its profile into the installer (it lands beside the executable), a user
may keep one in their config folder, and a profile named on the command line beats both.
Order: command line, beside the executable (frozen app only), the user's config folder,
the built-in default. A file that is found but invalid is an error, never skipped: a
broken helpdesk profile must not silently turn into the default one.
"""

from __future__ import annotations

import enum
import sys
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from wiresleuth.errors import ProfileError
from wiresleuth.profile.load import default_profile, load_profile
from wiresleuth.profile.model import Profile

PROFILE_NAME = "profile.toml"
"""File name of a profile found beside the executable or in the user's config folder."""

LOGO_NAMES = ("helpdesk-logo.png", "helpdesk-logo.svg")
"""File names of the helpdesk's logo, looked for beside the profile it came with."""

APP_DIR_NAME = "WireSleuth"
"""Folder name under the platform's per-user config folder (platformdirs); the window's Qt
settings (organisation "WireSleuth") live there too."""


class Origin(enum.Enum):
    """Where the profile in use was found, in lookup order."""

    COMMAND_LINE = "command line"
    BESIDE_EXECUTABLE = "beside the program"
    USER_CONFIG = "your settings folder"
    BUILT_IN = "built-in default"


@dataclass(frozen=True, kw_only=True)
class LocatedProfile:
    """A profile and where it came from, so the run can say which one it used."""

    profile: Profile
    """The loaded, validated profile."""
    origin: Origin
    """Which step of the lookup order found it."""
    path: Path | None = None
    """The file it was read from (None for the built-in default)."""

    def describe(self) -> str:
        """One line for the run's output, e.g. ``/usr/lib/wiresleuth/profile.toml (beside …)``."""
        if self.path is None:
            return self.origin.value
        return f"{self.path} ({self.origin.value})"


def executable_dirs() -> list[Path]:
    """Folders that count as "beside the executable"; none when running from source.

    From source, ``sys.executable`` is a Python interpreter shared by everything, so a
    profile beside it would belong to no one. In a macOS ``.app`` the baked profile sits in
    ``Contents/Resources`` (data files in ``Contents/MacOS`` break code signing).
    """
    if not getattr(sys, "frozen", False):
        return []
    here = Path(sys.executable).resolve().parent
    dirs = [here]
    if sys.platform == "darwin" and here.name == "MacOS" and here.parent.name == "Contents":
        dirs.append(here.parent / "Resources")
    return dirs


def user_config_dir() -> Path:
    """The per-user config folder (``~/.config/WireSleuth``, ``%LOCALAPPDATA%\\WireSleuth``…)."""
    return Path(platformdirs.user_config_dir(APP_DIR_NAME, appauthor=False))


def locate_profile(
    command_line: Path | None = None,
    *,
    beside: list[Path] | None = None,
    config_dir: Path | None = None,
) -> LocatedProfile:
    """The profile to use, in the documented order; raises ProfileError for a bad file.

    ``beside`` and ``config_dir`` default to this program's folders; tests pass their own.
    """
    if command_line is not None:
        return LocatedProfile(
            profile=load_profile(command_line), origin=Origin.COMMAND_LINE, path=command_line
        )
    beside_dirs = executable_dirs() if beside is None else beside
    candidates = [(d / PROFILE_NAME, Origin.BESIDE_EXECUTABLE) for d in beside_dirs]
    candidates.append(((config_dir or user_config_dir()) / PROFILE_NAME, Origin.USER_CONFIG))
    for path, origin in candidates:
        if _present(path):
            return LocatedProfile(profile=load_profile(path), origin=origin, path=path)
    return LocatedProfile(profile=default_profile(), origin=Origin.BUILT_IN)


def _present(path: Path) -> bool:
    """Whether a profile file exists there; a place that cannot be looked into is an error
    (a helpdesk profile there must not silently give way to the built-in default)."""
    try:
        return path.is_file()
    except OSError as exc:  # Path.is_file lets EACCES through (Python 3.11)
        raise ProfileError(
            f"cannot look for a profile at {path}: {exc.strerror or exc}"
        ) from exc


def find_logo(located: LocatedProfile) -> Path | None:
    """The helpdesk's logo shipped beside its profile, if there is one."""
    if located.path is None:
        return None
    for name in LOGO_NAMES:
        logo = located.path.parent / name
        if logo.is_file():
            return logo
    return None
