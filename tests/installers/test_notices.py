"""Third-party notices: every bundled file traced to a component, every component with text."""

import os
import shutil
import sys
import sysconfig
from importlib import metadata
from pathlib import Path

import pytest

from installers import notices
from wiresleuth.licences import distribution_component, runtime_closure

ROOT = Path(__file__).resolve().parents[2]


def one_file(dist: metadata.Distribution) -> Path:
    """A file the distribution installed (what PyInstaller would copy from it)."""
    for file in dist.files or []:
        path = Path(str(dist.locate_file(file)))
        if path.suffix in (".py", ".so", ".pem") and path.is_file():
            return path
    raise AssertionError(f"{dist.metadata['Name']} installed no module file")


def test_every_distribution_the_app_can_bundle_has_a_licence_text() -> None:
    # The app bundles (part of) the runtime requirements and PyInstaller's bootloader; the
    # build stops on a component without text, and so does this test, before any build.
    attribution = notices.Attribution(system_owner=lambda path: None)
    dists = [*runtime_closure(), metadata.distribution("pyinstaller")]
    for dist in dists:
        attribution.add(dist.metadata["Name"], str(one_file(dist)))
    collected = notices.collect(attribution)
    names = {c.name for c in collected.components}
    assert {d.metadata["Name"] for d in dists} <= names
    assert {"WireSleuth", "Python", "Qt", "scapy", "PySide6_Essentials"} <= names
    assert all(c.texts and all(t.text.strip() for t in c.texts) for c in collected.components)


def test_a_bundled_distribution_without_licence_text_stops_the_build(tmp_path: Path) -> None:
    info = tmp_path / "quiet-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.4\nName: quiet\nVersion: 1.0\nLicense-Expression: LicenseRef-Own\n"
    )
    (tmp_path / "quiet.py").write_text("x = 1\n")
    (info / "RECORD").write_text("quiet.py,,\nquiet-1.0.dist-info/METADATA,,\n")
    dist = metadata.PathDistribution(info)
    attribution = notices.Attribution(
        index={(tmp_path / "quiet.py").resolve(): dist}, system_owner=lambda p: None
    )
    attribution.add("quiet.pyc", str(tmp_path / "quiet.py"))
    with pytest.raises(notices.NoticeError, match=r"no licence text for: quiet 1\.0"):
        notices.collect(attribution)
    (info / "LICENSE").write_text("Permission is granted.\n")
    (info / "RECORD").write_text(
        "quiet.py,,\nquiet-1.0.dist-info/METADATA,,\nquiet-1.0.dist-info/LICENSE,,\n"
    )
    dist = metadata.PathDistribution(info)
    attribution.index = {(tmp_path / "quiet.py").resolve(): dist}
    attribution.distributions.clear()
    attribution.add("quiet.pyc", str(tmp_path / "quiet.py"))
    quiet = next(c for c in notices.collect(attribution).components if c.name == "quiet")
    assert quiet.licence == "LicenseRef-Own" and quiet.texts[0].text == "Permission is granted.\n"


def test_files_are_traced_to_where_they_came_from(tmp_path: Path) -> None:
    import requests

    owners = {}
    attribution = notices.Attribution(system_owner=lambda path: owners.get(path))
    attribution.add("requests/__init__.py", requests.__file__)
    attribution.add("os.pyc", os.__file__)
    attribution.add("wiresleuth/cli/main.pyc", str(ROOT / "desktop/wiresleuth/cli/main.py"))
    assert set(attribution.distributions) == {"requests"}
    assert attribution.runtime_files == 1 and not attribution.unowned
    stray = tmp_path / "libstray.so.1"
    stray.write_bytes(b"\x7fELF")
    attribution.add("libstray.so.1", str(stray))
    with pytest.raises(notices.NoticeError, match=r"(?s)unknown origin.*libstray.so.1"):
        notices.collect(attribution)


@pytest.mark.skipif(
    shutil.which("dpkg") is None, reason="Debian only: system libraries come from dpkg"
)
def test_a_system_library_brings_its_debian_copyright_file() -> None:
    libz = next(
        (
            p
            for p in (
                Path("/usr/lib/x86_64-linux-gnu/libz.so.1"),
                Path("/lib/x86_64-linux-gnu/libz.so.1"),
            )
            if p.exists()
        ),
        None,
    )
    if libz is None:
        pytest.skip("no libz.so.1 at the amd64 path")
    attribution = notices.Attribution()
    attribution.add("libz.so.1", str(libz))
    assert attribution.system == {"zlib1g": {"libz.so.1"}}
    zlib = notices.debian_component("zlib1g", {"libz.so.1"})
    assert zlib.texts[0].name == "/usr/share/doc/zlib1g/copyright" and "Zlib" in zlib.licence
    assert zlib.files == ("libz.so.1",) and zlib.version


def test_the_python_runtime_is_recognised_with_its_licence() -> None:
    runtime = notices.python_runtime()
    assert runtime.texts and "PYTHON SOFTWARE FOUNDATION LICENSE" in runtime.texts[0].text
    libdir, soname = sysconfig.get_config_var("LIBDIR"), sysconfig.get_config_var("INSTSONAME")
    if libdir and soname and (Path(libdir) / soname).exists():
        attribution = notices.Attribution(system_owner=lambda p: None)
        attribution.add(soname, str(Path(libdir) / soname))
        assert attribution.runtime_files == 1 and not attribution.unowned


def test_pyside_gets_the_standard_texts_of_its_declared_licences_and_says_so() -> None:
    pyside = metadata.distribution("PySide6_Essentials")
    filled = notices.with_fallback_texts(distribution_component(pyside))
    assert [t.name for t in filled.texts] == [
        f"{spdx} (SPDX text)" for spdx in notices.spdx_ids(filled.licence)
    ]
    assert "ships no licence file" in filled.note
    qt = notices.qt_component(pyside, {"libQt6Core.so.6"})
    assert qt.files == ("libQt6Core.so.6",) and "qt_attribution.json" in qt.note and qt.texts


@pytest.mark.parametrize(
    ("expression", "ids"),
    [
        (
            "LGPL-3.0-only OR GPL-2.0-only OR GPL-3.0-only",
            ["LGPL-3.0-only", "GPL-2.0-only", "GPL-3.0-only"],
        ),
        ("GPL-2.0-or-later WITH Bootloader-exception", ["GPL-2.0-or-later"]),
        ("(MIT OR Apache-2.0) AND BSD-3-Clause", ["MIT", "Apache-2.0", "BSD-3-Clause"]),
    ],
)
def test_spdx_identifiers_of_an_expression(expression: str, ids: list[str]) -> None:
    assert notices.spdx_ids(expression) == ids


def test_the_notices_are_written_as_data_and_as_plain_text(tmp_path: Path) -> None:
    attribution = notices.Attribution(system_owner=lambda path: None)
    attribution.add("scapy/__init__.pyc", str(one_file(metadata.distribution("scapy"))))
    data, text = notices.write(notices.collect(attribution), tmp_path)
    from wiresleuth.licences import from_json

    read = from_json(data.read_text())
    assert [c.name for c in read.components] == ["WireSleuth", "Python", "pyinstaller", "scapy"]
    plain = text.read_text()
    assert "conveyed as a whole under GPL-2.0" in plain and "scapy 2" in plain
    assert plain.count("GNU GENERAL PUBLIC LICENSE") >= 2  # COPYING and scapy's LICENSE
    assert sys.version.split()[0] in plain
