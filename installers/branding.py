"""Helpdesk branding: a profile, a name, a contact and a logo, checked and staged for a build.

``python -m installers.branding --profile acme.toml --name "ACME IT" --contact "+1 555 0100"
--logo acme.png --out build/branding`` writes a folder that the PyInstaller spec copies
beside the executable (``--branding build/branding``), where the program's profile lookup
finds it. The profile keeps the helpdesk's comments (tomlkit); the name and contact given
here replace its ``[helpdesk]`` values. Everything is validated now, so that a bad profile
fails the build instead of the user's run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

import tomlkit

from wiresleuth.errors import ProfileError
from wiresleuth.profile import parse_profile
from wiresleuth.profile.load import DEFAULT_TARGETS
from wiresleuth.profile.locate import LOGO_NAMES, PROFILE_NAME

BRANDING_JSON = "branding.json"
"""Build metadata (helpdesk name and contact for installer screens); not shipped."""
LOGO_MAX_BYTES = 1_000_000
LOGO_MAX_SIDE = 1024
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class BrandingError(Exception):
    """The branding input cannot be used; the message says which file and why."""


@dataclass(frozen=True, kw_only=True)
class Branding:
    """What the installers show about the helpdesk (publisher, contact) besides the files."""

    name: str
    """Helpdesk name (installer publisher, window, report)."""
    contact: str
    """Phone, mail or ticket address."""
    profile_sha256: str
    """Digest of the staged profile, so a build log says exactly which profile it baked."""
    has_logo: bool
    """Whether a logo was staged."""


def brand_profile(text: str | None, *, name: str | None, contact: str | None, source: str) -> str:
    """The profile text with the helpdesk's name and contact set, validated as the program would."""
    document = tomlkit.parse(text) if text is not None else tomlkit.document()
    if text is None:
        document.add(tomlkit.comment("Baked into the installer by installers.branding"))
        document["targets"] = list(DEFAULT_TARGETS)
    if name is not None or contact is not None:
        if "helpdesk" not in document:
            document["helpdesk"] = tomlkit.table()
        table = document["helpdesk"]
        if not isinstance(table, dict):
            raise BrandingError(f"{source}: helpdesk must be a table [helpdesk]")
        if name is not None:
            table["name"] = name
        if contact is not None:
            table["contact"] = contact
    branded = tomlkit.dumps(document)
    try:
        parse_profile(branded, source=source)
    except ProfileError as exc:
        raise BrandingError(str(exc)) from exc
    return branded


def check_logo(path: Path) -> None:
    """A PNG of sensible size: the window shows it next to the helpdesk's name."""
    from PIL import Image, UnidentifiedImageError

    data = path.read_bytes()
    if not data.startswith(PNG_SIGNATURE):
        raise BrandingError(f"{path}: the logo must be a PNG file")
    if len(data) > LOGO_MAX_BYTES:
        raise BrandingError(f"{path}: the logo is {len(data)} bytes; keep it under 1 MB")
    try:
        with Image.open(path) as image:
            image.verify()
            width, height = image.size
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise BrandingError(f"{path}: not a readable PNG: {exc}") from exc
    if max(width, height) > LOGO_MAX_SIDE:
        raise BrandingError(
            f"{path}: the logo is {width}x{height}; at most {LOGO_MAX_SIDE} pixels a side"
        )


def stage(
    out: Path,
    *,
    profile: Path | None = None,
    name: str | None = None,
    contact: str | None = None,
    logo: Path | None = None,
) -> Branding:
    """Write the branding folder ``out`` (replacing what it held); returns what was staged."""
    text = profile.read_text("utf-8") if profile is not None else None
    branded = brand_profile(
        text, name=name, contact=contact, source=str(profile or "built-in profile")
    )
    if logo is not None:
        check_logo(logo)
    out.mkdir(parents=True, exist_ok=True)
    for stale in (PROFILE_NAME, *LOGO_NAMES, BRANDING_JSON):
        (out / stale).unlink(missing_ok=True)
    (out / PROFILE_NAME).write_text(branded, "utf-8")
    if logo is not None:
        (out / LOGO_NAMES[0]).write_bytes(logo.read_bytes())
    helpdesk = parse_profile(branded).helpdesk
    branding = Branding(
        name=helpdesk.name,
        contact=helpdesk.contact,
        profile_sha256=hashlib.sha256(branded.encode()).hexdigest(),
        has_logo=logo is not None,
    )
    (out / BRANDING_JSON).write_text(json.dumps(asdict(branding), indent=2) + "\n", "utf-8")
    return branding


def read_branding(folder: Path | None) -> Branding | None:
    """The staged branding's metadata, or None for an unbranded build."""
    if folder is None:
        return None
    try:
        data = json.loads((folder / BRANDING_JSON).read_text("utf-8"))
    except FileNotFoundError as exc:
        raise BrandingError(f"{folder}: not a branding folder (no {BRANDING_JSON})") from exc
    return Branding(**data)


def shipped_files(folder: Path) -> list[Path]:
    """The files that go beside the executable: the profile and, if staged, the logo."""
    read_branding(folder)  # refuse a folder that was not staged by this module
    names = (PROFILE_NAME, *LOGO_NAMES)
    return [folder / n for n in names if (folder / n).is_file()]


def main(argv: list[str] | None = None) -> int:
    """Command line: stage a branding folder."""
    parser = argparse.ArgumentParser(
        prog="python -m installers.branding", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--profile", type=Path, help="the helpdesk's profile (TOML)")
    parser.add_argument("--name", help="helpdesk name, e.g. 'ACME IT Service Desk'")
    parser.add_argument("--contact", help="phone, mail or ticket address")
    parser.add_argument("--logo", type=Path, help="PNG logo, at most 1024 px a side and 1 MB")
    parser.add_argument("--out", type=Path, required=True, help="branding folder to write")
    args = parser.parse_args(argv)
    try:
        staged = stage(
            args.out, profile=args.profile, name=args.name, contact=args.contact, logo=args.logo
        )
    except (BrandingError, OSError) as exc:
        print(f"branding: {exc}", file=sys.stderr)
        return 2
    print(f"branding staged in {args.out}: {staged.name or '(no helpdesk name)'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
