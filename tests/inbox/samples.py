"""Bundles the inbox tests send: real lab bundles, the writer's sample runs, hostile ones."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAB = ROOT / "tests" / "gui" / "samples" / "lab"
"""Bundles written by real lab runs (tests/gui/samples/lab/SOURCES.md)."""
LAB_BUNDLES = sorted(LAB.glob("*.wsbundle"))
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
