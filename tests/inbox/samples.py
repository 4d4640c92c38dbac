"""Bundles the inbox tests send: real lab bundles, the writer's sample runs, hostile ones."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAB = ROOT / "tests" / "gui" / "samples" / "lab"
"""Bundles written by real lab runs (tests/gui/samples/lab/SOURCES.md)."""
LAB_BUNDLES = [LAB / f"{name}.wsbundle" for name in ("C1", "C4-nxdomain", "C6", "C7", "C8")]
"""The five runs the page tests count on (one run each; the watch's bundle beside them is
tested on its own)."""
FORMAT_1 = ROOT / "tests" / "bundle" / "samples" / "format-1.wsbundle"


def lab_bundle(name: str) -> Path:
    return LAB / f"{name}.wsbundle"


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rewritten(source: Path, target: Path, member: str, data: bytes, *, fix_manifest: bool) -> Path:
    """A copy of ``source`` with ``member`` replaced (its checksum fixed in the manifest only
    when ``fix_manifest``)."""
    with zipfile.ZipFile(source) as original:
        members = {n: original.read(n) for n in original.namelist()}
    members[member] = data
    if fix_manifest:
        manifest = json.loads(members["manifest.json"])
        manifest["files"][member] = hashlib.sha256(data).hexdigest()
        members["manifest.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return target


def with_computer(source: Path, target: Path, computer: str, user: str) -> Path:
    """A copy of a lab bundle as if run on ``computer`` by ``user`` (system.json's
    ``computer``, as the program writes it; checksums fixed): the same findings, another
    file."""
    with zipfile.ZipFile(source) as original:
        system = json.loads(original.read("system.json"))
    system["computer"] = {"name": computer, "user": user}
    return rewritten(source, target, "system.json", json.dumps(system).encode(), fix_manifest=True)


def many_bundles(folder: Path, count: int, *, mostly: str | None = None) -> list[Path]:
    """``count`` distinct real bundles: the lab's in turn, each from its own computer; with
    ``mostly``, every other one is that lab bundle (a morning when one fault hits many)."""
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for n in range(count):
        source = LAB_BUNDLES[n % len(LAB_BUNDLES)]
        if mostly is not None and n % 2 == 0:
            source = lab_bundle(mostly)
        target = folder / f"wiresleuth-LAB-{n:04d}-{source.stem}.wsbundle"
        made.append(with_computer(source, target, f"LAB-{n:04d}", f"tester{n % 17}"))
    return made
