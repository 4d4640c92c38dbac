import os
import shutil
import subprocess
from pathlib import Path

import pytest

from installers import notices
from installers.linux import deb
from wiresleuth.licences import Component, LicenceText, Notices

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    ("pep440", "debian"),
    [
        ("0.1.0", "0.1.0"),
        ("1.2rc1", "1.2~rc1"),
        ("1.2.dev3", "1.2~dev3"),
        ("1.2.post1", "1.2+post1"),
    ],
)
def test_versions_sort_like_their_python_counterparts(pep440: str, debian: str) -> None:
    assert deb.debian_version(pep440) == debian


@pytest.mark.skipif(shutil.which("dpkg") is None, reason="needs dpkg")
def test_debian_agrees_a_release_candidate_comes_first() -> None:
    newer = subprocess.run(
        [
            "dpkg",
            "--compare-versions",
            deb.debian_version("1.2rc1"),
            "lt",
            deb.debian_version("1.2"),
        ]
    )
    assert newer.returncode == 0


def test_maintainer_takes_the_helpdesk_mail_when_there_is_one() -> None:
    assert deb.maintainer_for("ACME IT", "+1 555 · it@acme.example") == "ACME IT <it@acme.example>"
    assert deb.maintainer_for("", "+1 555") == "WireSleuth <wiresleuth@example.invalid>"
    assert deb.maintainer_for("A <b>, c", "") == "A  b   c <wiresleuth@example.invalid>"


def test_control_text_has_every_field_dpkg_needs() -> None:
    fields = deb.ControlFields(
        version="1.0",
        architecture="amd64",
        depends=("libc6 (>= 2.36)", "libxcb1"),
        installed_kib=42,
        maintainer="Desk <d@x.test>",
        helpdesk="ACME IT",
    )
    text = deb.control_text(fields)
    assert "Depends: libc6 (>= 2.36), libxcb1\n" in text
    assert "Installed-Size: 42\n" in text
    assert text.endswith(" Prepared for ACME IT.\n")
    assert all(line.startswith(" ") or ": " in line for line in text.splitlines())


def fake_app(folder: Path) -> Path:
    (folder / "_internal").mkdir(parents=True)
    (folder / "wiresleuth").write_text("#!/bin/sh\necho fake\n")
    (folder / "wiresleuth").chmod(0o700)
    (folder / "_internal" / "data.txt").write_text("x" * 1500)
    (folder / "_internal" / "libx.so.1").write_bytes(b"a library, mode 755 in the wheel")
    (folder / "_internal" / "libx.so.1").chmod(0o755)
    (folder / "profile.toml").write_text("targets = []\n")
    listed = Notices(
        version="1.0", conveyed_under="GPL-2.0", origin="build",
        components=(
            Component(name="WireSleuth", version="1.0", licence="GPL-2.0-or-later", kind="program"),
            Component(
                name="scapy", version="2.6.1", licence="GPL-2.0-only", kind="python package",
                texts=(LicenceText(name="LICENSE", text="GNU GPL v2 text"),),
            ),
            Component(
                name="libssl3", version="3.0", licence="Apache-2.0\nwrapped", kind="system library",
                texts=(LicenceText(name="copyright", text="OpenSSL"),),
            ),
        ),
    )  # fmt: skip
    _data, text = notices.write(listed, folder / "_internal" / "licences")
    text.rename(folder / notices.NOTICES_NAME)
    return folder


@pytest.mark.skipif(shutil.which("dpkg-deb") is None, reason="needs dpkg-deb")
def test_a_package_is_staged_and_built(tmp_path: Path) -> None:
    root = tmp_path / "root"
    deb.stage_tree(fake_app(tmp_path / "app"), root)
    program = root / "usr/lib/wiresleuth/wiresleuth"
    assert os.readlink(root / "usr/bin/wiresleuth") == "../lib/wiresleuth/wiresleuth"
    assert (root / "usr/bin/wiresleuth").resolve() == program.resolve()
    assert program.stat().st_mode & 0o777 == 0o755
    assert (root / "usr/lib/wiresleuth/profile.toml").stat().st_mode & 0o777 == 0o644
    assert (root / "usr/lib/wiresleuth/_internal/libx.so.1").stat().st_mode & 0o777 == 0o644
    assert (root / "usr/share/mime/packages/wiresleuth.xml").is_file()
    assert (root / "usr/share/icons/hicolor/48x48/apps/wiresleuth.png").is_file()
    assert (root / "usr/share/icons/hicolor/scalable/apps/wiresleuth.svg").is_file()
    copyright_text = (root / "usr/share/doc/wiresleuth/copyright").read_text()
    assert "\n  scapy 2.6.1: GPL-2.0-only\n  libssl3 3.0: Apache-2.0 wrapped\n" in copyright_text
    assert "@COMPONENTS@" not in copyright_text and "License: GPL-2\n" in copyright_text
    notices_text = (root / "usr/share/doc/wiresleuth/THIRD-PARTY-NOTICES.txt").read_text()
    assert "--- LICENSE ---\nGNU GPL v2 text" in notices_text
    fields = deb.ControlFields(
        version="1.0", architecture="all", depends=("libc6",),
        installed_kib=deb.installed_kib(root), maintainer="D <d@x.test>",
    )  # fmt: skip
    assert fields.installed_kib >= 2 + 16  # data.txt is two blocks; icons and docs add more
    deb.write_control(root, fields)
    sums = (root / "DEBIAN/md5sums").read_text()
    assert "  usr/lib/wiresleuth/wiresleuth\n" in sums and "usr/bin/wiresleuth" not in sums
    built = deb.dpkg_deb(root, tmp_path / "t.deb", compression="gzip", level=1)
    listing = subprocess.run(["dpkg-deb", "-c", str(built)], capture_output=True, text=True).stdout
    assert (
        "root/root" in listing and "./usr/bin/wiresleuth -> ../lib/wiresleuth/wiresleuth" in listing
    )
    assert "./usr/share/doc/wiresleuth/changelog.gz" in listing
    assert "./usr/share/doc/wiresleuth/THIRD-PARTY-NOTICES.txt" in listing
    assert "./usr/lib/wiresleuth/_internal/licences/licences.json" in listing
    info = subprocess.run(
        ["dpkg-deb", "-f", str(built), "Package", "Version"], capture_output=True, text=True
    )
    assert info.stdout == "Package: wiresleuth\nVersion: 1.0\n"


def test_an_app_without_its_licence_list_makes_no_package(tmp_path: Path) -> None:
    app = fake_app(tmp_path / "app")
    (app / "_internal" / "licences" / "licences.json").unlink()
    with pytest.raises(SystemExit, match=r"licences\.json is missing"):
        deb.stage_tree(app, tmp_path / "root")


def test_the_copyright_file_is_machine_readable_with_every_component(tmp_path: Path) -> None:
    from installers.linux.deb_notices import app_notices, copyright_text

    text = copyright_text(app_notices(fake_app(tmp_path / "app")))
    paragraphs = text.strip().split("\n\n")
    assert paragraphs[0].startswith(
        "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"
    )
    assert paragraphs[1].startswith("Files: *\nCopyright: ") and "License: GPL-2\n" in paragraphs[1]
    for paragraph in paragraphs:  # continuation lines start with a space (DEP-5)
        assert all(line[:1] == " " or ":" in line for line in paragraph.splitlines()), paragraph
    assert "WireSleuth 1.0:" not in text  # the program is the Files: * paragraph


def test_the_maintainer_script_grants_only_cap_net_raw() -> None:
    script = (deb.DEBIAN_FILES / "postinst").read_text()
    # ... and only to the capture helper, which root and the wiresleuth group may start
    assert "PROGRAM=/usr/lib/wiresleuth/wiresleuth\n" in script
    assert "HELPER=/usr/lib/wiresleuth/wiresleuth-capture\n" in script
    assert 'setcap -r "$PROGRAM"' in script  # what an older version granted is taken back
    assert 'setcap cap_net_raw=ep "$HELPER"' in script
    assert 'setcap cap_net_raw=ep "$PROGRAM"' not in script and "cap_net_admin=" not in script
    assert 'groupadd --system "$GROUP"' in script and "GROUP=wiresleuth\n" in script
    assert 'dpkg-statoverride --update --add root "$GROUP" 0750 "$HELPER"' in script
    assert 'gpasswd -a "$user" "$GROUP"' in script and "SUDO_USER" in script
    assert "PKEXEC_UID" in script and "log out and in again" in script
    assert 'if [ -e "$OPT_OUT" ]; then\n        setcap -r "$HELPER"' in script
    removal = (deb.DEBIAN_FILES / "postrm").read_text()
    assert 'dpkg-statoverride --remove "$HELPER"' in removal
    assert 'if [ -e "$STATE/created-group" ]' in removal and 'groupdel "$GROUP"' in removal
    for name in deb.MAINTAINER_SCRIPTS:
        assert subprocess.run(["sh", "-n", str(deb.DEBIAN_FILES / name)]).returncode == 0


@pytest.mark.skipif(
    shutil.which("desktop-file-validate") is None,
    reason="needs desktop-file-utils (apt-get install desktop-file-utils)",
)
def test_the_desktop_entry_is_valid_and_opens_bundles() -> None:
    entry = ROOT / "resources/linux/wiresleuth.desktop"
    done = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "MimeType=application/x-wiresleuth-bundle;\n" in entry.read_text()
    assert "Exec=wiresleuth open %f\n" in entry.read_text()  # `wiresleuth open FILE` shows it


@pytest.mark.skipif(
    shutil.which("update-mime-database") is None,
    reason="needs shared-mime-info (apt-get install shared-mime-info)",
)
def test_the_mime_type_claims_wsbundle_files(tmp_path: Path) -> None:
    (tmp_path / "packages").mkdir()
    shutil.copy(ROOT / "resources/linux/wiresleuth-mime.xml", tmp_path / "packages/wiresleuth.xml")
    subprocess.run(["update-mime-database", str(tmp_path)], check=True, capture_output=True)
    assert "60:application/x-wiresleuth-bundle:*.wsbundle" in (tmp_path / "globs2").read_text()
    assert (
        "application/x-wiresleuth-bundle application/zip" in (tmp_path / "subclasses").read_text()
    )
    assert "application/x-wiresleuth-bundle:wiresleuth" in (tmp_path / "icons").read_text()


def fake_helper(folder: Path) -> Path:
    helper = folder / "wiresleuth-capture"
    helper.write_bytes(b"\x7fELF a compiled helper")
    helper.chmod(0o755)  # as the compiler leaves it
    return helper


@pytest.mark.skipif(shutil.which("dpkg-deb") is None, reason="needs dpkg-deb")
def test_the_capture_helper_ships_root_only_until_configured(tmp_path: Path) -> None:
    root = tmp_path / "root"
    deb.stage_tree(fake_app(tmp_path / "app"), root, fake_helper(tmp_path))
    helper = root / "usr/lib/wiresleuth/wiresleuth-capture"
    assert helper.read_bytes() == b"\x7fELF a compiled helper"
    assert helper.stat().st_mode & 0o7777 == 0o750  # the postinst's override adds the group
    fields = deb.ControlFields(
        version="1.0", architecture="all", depends=("libc6",),
        installed_kib=deb.installed_kib(root), maintainer="D <d@x.test>",
    )  # fmt: skip
    deb.write_control(root, fields)
    assert "  usr/lib/wiresleuth/wiresleuth-capture\n" in (root / "DEBIAN/md5sums").read_text()
    for script in ("postinst", "postrm"):
        assert (root / "DEBIAN" / script).stat().st_mode & 0o777 == 0o755
    built = deb.dpkg_deb(root, tmp_path / "t.deb", compression="gzip", level=1)
    listing = subprocess.run(["dpkg-deb", "-c", str(built)], capture_output=True, text=True).stdout
    line = next(x for x in listing.splitlines() if x.endswith("./usr/lib/wiresleuth/wiresleuth-capture"))
    assert line.startswith("-rwxr-x--- root/root ")


def test_the_helper_is_compiled_for_the_package(tmp_path: Path) -> None:
    if shutil.which("gcc") is None or not Path("/usr/include/pcap/pcap.h").is_file():
        pytest.skip("compiling the capture helper needs gcc and libpcap-dev: run scripts/setup")
    root = tmp_path / "root"
    deb.stage_tree(fake_app(tmp_path / "app"), root)  # no helper given: compiled from source
    built = root / "usr/lib/wiresleuth/wiresleuth-capture"
    assert built.stat().st_mode & 0o7777 == 0o750
    dynamic = subprocess.run(["readelf", "-d", str(built)], capture_output=True, text=True).stdout
    assert "Shared library: [libpcap.so.0.8]" in dynamic
    assert "BIND_NOW" in dynamic or "FLAGS_1" in dynamic  # -z now: no lazy binding
