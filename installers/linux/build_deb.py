"""``python -m installers.linux.build_deb``: the .deb from a PyInstaller app folder.

Run after ``pyinstaller installers/wiresleuth.spec`` (``make installer`` does both). The
branding folder, when given, must be the one the spec baked in: its helpdesk name goes
into the package description and the Maintainer field.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from installers.branding import BrandingError, read_branding
from installers.freeze import ROOT, version
from installers.linux import shlibs
from installers.linux.deb import (
    STATIC_DEPENDS,
    ControlFields,
    debian_version,
    dpkg_deb,
    installed_kib,
    maintainer_for,
    stage_tree,
    write_control,
)


def build(
    app: Path,
    out_dir: Path,
    *,
    branding: Path | None = None,
    work: Path = ROOT / "build" / "deb",
    compression: str = "xz",
) -> Path:
    """Stage, describe and pack; returns the .deb's path. Raises SystemExit on a bad input."""
    if not (app / "wiresleuth").is_file():
        raise SystemExit(f"{app}: not a PyInstaller app folder (no wiresleuth executable)")
    arch = subprocess.run(
        ["dpkg", "--print-architecture"], capture_output=True, text=True, check=True, timeout=30
    ).stdout.strip()
    depends, unresolved = shlibs.depends(app, arch)
    if unresolved:
        raise SystemExit(
            "no installed package provides these libraries the app needs: " + ", ".join(unresolved)
        )
    staged = read_branding(branding)
    root = work / "root"
    stage_tree(app, root)
    fields = ControlFields(
        version=debian_version(version()),
        architecture=arch,
        depends=(*depends, *STATIC_DEPENDS),
        installed_kib=installed_kib(root),
        maintainer=maintainer_for(staged.name, staged.contact) if staged else maintainer_for("", ""),
        helpdesk=staged.name if staged else "",
    )
    write_control(root, fields)
    out_dir.mkdir(parents=True, exist_ok=True)
    return dpkg_deb(root, out_dir / f"wiresleuth_{fields.version}_{arch}.deb", compression)


def main(argv: list[str] | None = None) -> int:
    """Command line."""
    parser = argparse.ArgumentParser(prog="python -m installers.linux.build_deb")
    parser.add_argument("--app", type=Path, default=ROOT / "dist" / "wiresleuth")
    parser.add_argument("--out-dir", type=Path, default=ROOT / "dist")
    parser.add_argument("--branding", type=Path, help="the branding folder the app was built with")
    parser.add_argument(
        "--compression",
        choices=("xz", "gzip", "zstd"),
        default="xz",
        help="xz: smallest (release); gzip: fastest (CI)",
    )
    args = parser.parse_args(argv)
    started = time.monotonic()
    try:
        deb = build(args.app, args.out_dir, branding=args.branding, compression=args.compression)
    except BrandingError as exc:
        print(f"build_deb: {exc}", file=sys.stderr)
        return 2
    size = deb.stat().st_size / 1e6
    print(f"{deb} ({size:.1f} MB, {time.monotonic() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
