import sys
from pathlib import Path

import pytest

from wiresleuth import licences
from wiresleuth.licences import Component, LicenceText, Notices

ROOT = Path(__file__).resolve().parents[1]


def test_a_source_run_lists_the_program_and_its_installed_requirements() -> None:
    notices = licences.load()
    assert notices.origin == "installed" and notices.conveyed_under == "GPL-2.0"
    names = [c.name for c in notices.components]
    assert names[0] == "WireSleuth"
    assert {"scapy", "PySide6_Essentials", "pyqtgraph", "requests", "dukpy"} <= set(names)
    assert not {"pytest", "ruff", "pyinstaller", "trustme"} & set(names)  # extras are left out
    # the helpdesk's inbox server (extra "inbox") is not part of the program users get
    assert not {"starlette", "uvicorn", "SQLAlchemy", "alembic", "psycopg", "argon2-cffi"} & set(names)
    program = notices.components[0]
    assert program.licence == "GPL-2.0-or-later"
    assert program.texts[0].text == (ROOT / "COPYING").read_text()


def test_the_licence_comes_from_the_expression_then_the_classifiers() -> None:
    from importlib import metadata

    assert licences.distribution_licence(metadata.distribution("scapy")) == "GPL-2.0-only"
    colorama = metadata.distribution("colorama")  # License field empty, classifier only
    if not licences._field(colorama, "License-Expression"):
        assert licences.distribution_licence(colorama) == "BSD License"


def test_a_distributions_licence_files_are_read() -> None:
    from importlib import metadata

    texts = licences.distribution_texts(metadata.distribution("requests"))
    names = [Path(t.name).name for t in texts]
    assert "LICENSE" in names and "NOTICE" in names
    assert any("Apache License" in t.text for t in texts)


def test_the_list_reads_back_as_written() -> None:
    notices = Notices(
        version="1.0",
        conveyed_under="GPL-2.0",
        origin="build",
        components=(
            Component(
                name="x", version="2", licence="MIT", kind="python package",
                texts=(LicenceText(name="LICENSE", text="<b>not markup</b>\n"),), files=("a.so",),
            ),
        ),
    )  # fmt: skip
    assert licences.from_json(licences.to_json(notices)) == notices
    text = licences.render_text(notices)
    assert (
        "x 2 (python package)\nLicence: MIT\nFiles: a.so\n\n--- LICENSE ---\n<b>not markup</b>\n"
        in text
    )


def test_a_frozen_app_without_its_list_is_an_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    with pytest.raises(FileNotFoundError, match="lacks its licence list"):
        licences.load()
    (tmp_path / "licences").mkdir()
    notices = Notices(version="9", conveyed_under="GPL-2.0", origin="build", components=())
    (tmp_path / "licences" / "licences.json").write_text(licences.to_json(notices))
    assert licences.load() == notices
