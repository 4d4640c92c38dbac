"""Which Debian packages the frozen app needs from the system.

PyInstaller bundles most shared libraries but deliberately leaves out the C library and
the graphics stack (libGL/libEGL, libxcb, Wayland, libdrm), which must match the machine.
dpkg-shlibdeps is the usual tool, but it resolves every library to the system's copy, so it
would also demand the ~80 packages whose libraries we ship. Here: the sonames our ELF files
need minus those the app folder holds, each mapped to its package with ``dpkg -S``; libc6
gets the highest GLIBC symbol version any file uses as its minimum.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

ELF_MAGIC = b"\x7fELF"
_NEEDED = re.compile(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]")
_GLIBC = re.compile(r"\bGLIBC_(\d+(?:\.\d+)+)\b")
_LDCONFIG = re.compile(r"^\s*(\S+) \(([^)]*)\) => (\S+)\s*$")


@dataclass(frozen=True, kw_only=True)
class ElfInfo:
    """What one ELF file asks of the dynamic loader."""

    needed: tuple[str, ...]
    """DT_NEEDED sonames."""
    glibc: tuple[int, ...]
    """Highest GLIBC_x.y symbol version referenced, () when none."""


def elf_files(tree: Path) -> list[Path]:
    """Regular files under ``tree`` that are ELF objects (symlinks skipped), sorted."""
    found = []
    for path in sorted(tree.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as handle:
                if handle.read(4) == ELF_MAGIC:
                    found.append(path)
    return found


def parse_readelf(text: str) -> ElfInfo:
    """``readelf -dVW`` output -> NEEDED sonames and the highest GLIBC version."""
    versions = [tuple(int(n) for n in v.split(".")) for v in _GLIBC.findall(text)]
    return ElfInfo(needed=tuple(_NEEDED.findall(text)), glibc=max(versions, default=()))


def read_elf(path: Path) -> ElfInfo:
    """Run readelf (binutils) on one file."""
    done = subprocess.run(
        ["readelf", "-dVW", str(path)], capture_output=True, text=True, check=True, timeout=60
    )
    return parse_readelf(done.stdout)


def parse_ldconfig(text: str, arch_tag: str) -> dict[str, Path]:
    """``ldconfig -p`` output -> soname: path, for one architecture tag (e.g. ``x86-64``)."""
    found: dict[str, Path] = {}
    for line in text.splitlines():
        match = _LDCONFIG.match(line)
        if match is None:
            continue
        soname, flags, path = match.groups()
        tags = [t.strip() for t in flags.split(",")]
        if (arch_tag in tags or (not arch_tag and len(tags) == 1)) and soname not in found:
            found[soname] = Path(path)
    return found


def parse_dpkg_search(text: str) -> str | None:
    """``dpkg -S PATH`` output -> package name without architecture."""
    for line in text.splitlines():
        owner, sep, _ = line.partition(": ")
        if sep and "diversion" not in owner:
            return owner.split(",")[0].split(":")[0].strip()
    return None


def dpkg_owner(path: Path) -> str | None:
    """The installed package owning ``path`` (tries the usr-merged spellings too)."""
    candidates = [path, path.resolve()]
    text = str(path)
    if text.startswith("/usr/lib/"):
        candidates.append(Path(text.removeprefix("/usr")))
    elif text.startswith("/lib/"):
        candidates.append(Path("/usr" + text))
    for candidate in candidates:
        done = subprocess.run(
            ["dpkg", "-S", str(candidate)], capture_output=True, text=True, timeout=60, check=False
        )
        if done.returncode == 0:
            owner = parse_dpkg_search(done.stdout)
            if owner:
                return owner
    return None


def ldconfig_arch_tag(deb_arch: str) -> str:
    """The ``ldconfig -p`` tag of a Debian architecture's libraries."""
    return {"amd64": "x86-64", "arm64": "AArch64", "i386": ""}.get(deb_arch, deb_arch)


def unbundled(infos: Iterable[ElfInfo], bundled: set[str]) -> set[str]:
    """Sonames needed by some file and not present in the app folder."""
    return {soname for info in infos for soname in info.needed if soname not in bundled}


def depends(
    tree: Path,
    deb_arch: str,
    *,
    reader: Callable[[Path], ElfInfo] = read_elf,
    owner: Callable[[Path], str | None] = dpkg_owner,
    ldconfig_text: str | None = None,
) -> tuple[list[str], list[str]]:
    """(Depends entries, sonames no package provides) for the app folder ``tree``."""
    files = elf_files(tree)
    infos = [reader(path) for path in files]
    bundled = {path.name for path in tree.rglob("*")}
    if ldconfig_text is None:
        ldconfig_text = subprocess.run(
            ["/sbin/ldconfig", "-p"], capture_output=True, text=True, check=True, timeout=60
        ).stdout
    system = parse_ldconfig(ldconfig_text, ldconfig_arch_tag(deb_arch))
    packages: set[str] = set()
    unresolved = []
    for soname in sorted(unbundled(infos, bundled)):
        path = system.get(soname)
        package = owner(path) if path is not None else None
        if package is None:
            unresolved.append(soname)
        else:
            packages.add(package)
    glibc = max((info.glibc for info in infos), default=())
    entries = []
    for package in sorted(packages):
        if package == "libc6" and glibc:
            entries.append(f"libc6 (>= {'.'.join(str(n) for n in glibc)})")
        else:
            entries.append(package)
    return entries, unresolved
