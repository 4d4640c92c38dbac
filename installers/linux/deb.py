"""Assemble the .deb: file tree, control file, maintainer script, then ``dpkg-deb --build``.

Layout: the frozen app in /usr/lib/wiresleuth (the helpdesk's profile and logo beside the
executable, every library's RUNPATH pointing into the app folder), the capture
helper ``wiresleuth-capture`` beside it (compiled from desktop/capture-helper, mode 0750),
/usr/bin/wiresleuth a symlink to the program, the desktop entry, the hicolor icons and
the MIME type of ``.wsbundle`` under /usr/share. The desktop, MIME and icon caches are
rebuilt by the triggers of desktop-file-utils, shared-mime-info and the icon theme, so the
maintainer scripts only deal with capture rights (the ``wiresleuth`` group, the helper's
owner, mode and capability); removal leaves nothing behind.
"""

from __future__ import annotations

import email.utils
import gzip
import hashlib
import os
import re
import shutil
import stat
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from packaging.version import Version

from installers.freeze import ROOT
from installers.linux.deb_notices import stage_notices
from installers.linux.runpath import patch_app

PACKAGE = "wiresleuth"
INSTALL_DIR = "usr/lib/wiresleuth"
"""Private program folder (not /opt: /opt belongs to no package, so dpkg would delete an
empty /opt when this package is removed)."""
DEBIAN_FILES = Path(__file__).resolve().parent / "debian"
RESOURCES = ROOT / "resources"
ICON_SIZES = (16, 32, 48, 64, 128, 256, 512)

STATIC_DEPENDS = ("libpcap0.8t64 | libpcap0.8", "libcap2-bin", "passwd", "fontconfig-config")
"""Not visible to the ELF scan of the app: libpcap is opened through ctypes and linked by the
capture helper (Debian 13 and Ubuntu 24.04 renamed it for 64-bit time_t); setcap, and
groupadd/gpasswd/groupdel (passwd), run in the maintainer scripts; the bundled
libfontconfig reads /etc/fonts/fonts.conf (without it the window has no fonts)."""
HELPER_NAME = "wiresleuth-capture"
HELPER_BUILD = ROOT / "desktop" / "capture-helper" / "build.sh"
HELPER_MODE = 0o750
"""As shipped: root only until the postinst's dpkg-statoverride makes it root:wiresleuth 0750."""
MAINTAINER_SCRIPTS = ("postinst", "postrm")
RECOMMENDS = ("shared-mime-info", "desktop-file-utils", "iw")
"""The tools whose dpkg triggers register the .wsbundle type and the menu entry; ``iw``, which
names the Wi-Fi network and access point a watch compares between attempts."""


def debian_version(text: str) -> str:
    """PEP 440 -> Debian ordering: ``1.2rc1`` -> ``1.2~rc1``, ``1.2.dev3`` -> ``1.2~dev3``."""
    version = Version(text)
    result = ".".join(str(n) for n in version.release)
    if version.pre is not None:
        result += f"~{version.pre[0]}{version.pre[1]}"
    if version.dev is not None:
        result += f"~dev{version.dev}"
    if version.post is not None:
        result += f"+post{version.post}"
    if version.local is not None:
        result += f"+{version.local}"
    return result


@dataclass(frozen=True, kw_only=True)
class ControlFields:
    """The fields of DEBIAN/control that vary between builds."""

    version: str
    """Debian version (from ``wiresleuth.__version__``)."""
    architecture: str
    """``dpkg --print-architecture`` of the build machine."""
    depends: tuple[str, ...]
    """Dependencies (ELF scan + static ones)."""
    installed_kib: int
    """Installed-Size, KiB."""
    maintainer: str
    """``Name <mail>``."""
    helpdesk: str = ""
    """Helpdesk name of a branded build (goes into the description)."""


def control_text(fields: ControlFields) -> str:
    """DEBIAN/control."""
    for_whom = f" Prepared for {fields.helpdesk}.\n" if fields.helpdesk else ""
    return (
        f"Package: {PACKAGE}\n"
        f"Version: {fields.version}\n"
        f"Architecture: {fields.architecture}\n"
        f"Maintainer: {fields.maintainer}\n"
        f"Installed-Size: {fields.installed_kib}\n"
        f"Depends: {', '.join(fields.depends)}\n"
        f"Recommends: {', '.join(RECOMMENDS)}\n"
        "Section: net\n"
        "Priority: optional\n"
        "Description: network diagnostics with evidence from the wire\n"
        " WireSleuth finds what breaks a user's connections (a proxy, a WAN QoS\n"
        " policer, a TCP optimiser, an antivirus filter, a load balancer) and proves\n"
        " it with a packet capture of its own test connections. It writes a\n"
        " bundle file (.wsbundle) for the helpdesk.\n"
        f"{for_whom}"
    )


def maintainer_for(name: str, contact: str) -> str:
    """``Helpdesk <mail>`` when the contact holds a mail address, else a neutral one."""
    mail = re.search(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", contact)
    who = re.sub(r"[<>,]", " ", name).strip() or "WireSleuth"
    return f"{who} <{mail.group(0) if mail else 'wiresleuth@example.invalid'}>"


def _copy(source: Path, target: Path, mode: int = 0o644) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    target.chmod(mode)


def _normalise_modes(root: Path) -> None:
    """Policy modes whatever the build umask: dirs and programs 755, libraries and data 644."""
    for path in [root, *root.rglob("*")]:
        if path.is_symlink():
            continue
        if path.is_dir():
            path.chmod(0o755)
        else:
            executable = path.stat().st_mode & stat.S_IXUSR and ".so" not in path.name
            path.chmod(0o755 if executable else 0o644)


def build_helper(out: Path) -> Path:
    """Compile the capture helper (gcc and libpcap-dev, as scripts/setup does) to ``out``."""
    done = subprocess.run(
        [str(HELPER_BUILD), str(out)], capture_output=True, text=True, timeout=300, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"the capture helper did not compile:\n{done.stderr.strip()}")
    return out


def stage_tree(app: Path, root: Path, helper: Path | None = None) -> None:
    """Lay out the package's files under ``root`` (emptied first); DEBIAN/ comes later.

    ``helper`` is the compiled capture helper to ship; None compiles it here from source.
    """
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(app, root / INSTALL_DIR, symlinks=True)
    patch_app(root / INSTALL_DIR)
    _normalise_modes(root / INSTALL_DIR)
    shipped = root / INSTALL_DIR / HELPER_NAME
    if helper is None:
        build_helper(shipped)
    else:
        _copy(helper, shipped)
    shipped.chmod(HELPER_MODE)
    (root / "usr/bin").mkdir(parents=True)
    (root / "usr/bin/wiresleuth").symlink_to(f"../{INSTALL_DIR.removeprefix('usr/')}/wiresleuth")
    _copy(RESOURCES / "linux/wiresleuth.desktop", root / "usr/share/applications/wiresleuth.desktop")
    _copy(RESOURCES / "linux/wiresleuth-mime.xml", root / "usr/share/mime/packages/wiresleuth.xml")
    icons = root / "usr/share/icons/hicolor"
    for size in ICON_SIZES:
        _copy(
            RESOURCES / f"icons/wiresleuth-{size}.png",
            icons / f"{size}x{size}/apps/wiresleuth.png",
        )
    _copy(RESOURCES / "icons/wiresleuth.svg", icons / "scalable/apps/wiresleuth.svg")
    doc = root / "usr/share/doc/wiresleuth"
    stage_notices(app, doc)
    _copy(DEBIAN_FILES / "README.Debian", doc / "README.Debian")


def write_changelog(root: Path, version: str, maintainer: str) -> None:
    """usr/share/doc/wiresleuth/changelog.gz, one entry per build (Debian policy wants one)."""
    when = email.utils.formatdate(int(os.environ.get("SOURCE_DATE_EPOCH", time.time())))
    text = (
        f"{PACKAGE} ({version}) unstable; urgency=medium\n\n"
        f"  * WireSleuth {version}: see the project's release notes.\n\n"
        f" -- {maintainer}  {when}\n"
    )
    target = root / "usr/share/doc/wiresleuth/changelog.gz"
    target.write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))
    target.chmod(0o644)


def installed_kib(root: Path) -> int:
    """Installed-Size as dpkg-gencontrol counts it: each file and symlink rounded up to 1 KiB."""
    total = 0
    for path in root.rglob("*"):
        if path.is_relative_to(root / "DEBIAN"):
            continue
        if path.is_symlink() or path.is_file():
            total += (path.lstat().st_size + 1023) // 1024
        else:
            total += 1
    return total


def md5sums(root: Path) -> str:
    """DEBIAN/md5sums (what ``dpkg --verify`` checks)."""
    lines = []
    for path in sorted(root.rglob("*")):
        if path.is_symlink() or not path.is_file() or path.is_relative_to(root / "DEBIAN"):
            continue
        digest = hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()
        lines.append(f"{digest}  {path.relative_to(root).as_posix()}\n")
    return "".join(lines)


def write_control(root: Path, fields: ControlFields) -> None:
    """DEBIAN/control, md5sums and the maintainer scripts."""
    write_changelog(root, fields.version, fields.maintainer)
    debian = root / "DEBIAN"
    debian.mkdir(exist_ok=True)
    (debian / "control").write_text(control_text(fields), "utf-8")
    (debian / "md5sums").write_text(md5sums(root), "utf-8")
    for script in MAINTAINER_SCRIPTS:
        _copy(DEBIAN_FILES / script, debian / script, 0o755)
    debian.chmod(0o755)


def dpkg_deb(root: Path, out: Path, compression: str = "xz", level: int | None = None) -> Path:
    """``dpkg-deb --build`` with root ownership (no fakeroot needed)."""
    command = ["dpkg-deb", "--root-owner-group", f"-Z{compression}"]
    if level is not None:
        command.append(f"-z{level}")
    command += ["--build", str(root), str(out)]
    subprocess.run(command, check=True, timeout=1800, stdout=subprocess.DEVNULL)
    return out
