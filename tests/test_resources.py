import sys
import tomllib
from pathlib import Path

import pytest

from wiresleuth import resources

ROOT = Path(__file__).resolve().parents[1]


def test_package_data_lists_what_the_program_reads_at_run_time() -> None:
    found = resources.package_data()
    assert {"report/report.css", "bundle/report.schema.json", "lab/scenarios/baseline.toml"} <= set(
        found
    )
    assert found == sorted(found)
    assert not any(path.endswith(".py") for path in found)


def test_every_package_data_kind_ships_in_wheels_too() -> None:
    globs = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"
    ]["wiresleuth"]
    shipped_suffixes = {glob.rsplit("*", 1)[-1] for glob in globs}
    assert set(resources.DATA_SUFFIXES) <= shipped_suffixes


def test_all_package_data_reads_back_and_a_missing_file_is_named() -> None:
    assert resources.unreadable_package_data() == []
    assert resources.unreadable_package_data(["report/report.css", "report/gone.css"]) == [
        "report/gone.css"
    ]


def test_the_icon_is_found_in_the_source_tree() -> None:
    icon = resources.app_icon(256)
    assert icon == ROOT / "resources" / "icons" / "wiresleuth-256.png"
    assert icon.read_bytes().startswith(b"\x89PNG")
    with pytest.raises(ValueError, match="sizes"):
        resources.app_icon(100)


def test_in_a_frozen_app_files_come_from_meipass(monkeypatch, tmp_path: Path) -> None:
    (tmp_path / resources.PACKAGE_DATA_LIST).write_text("report/report.css\nlab/x.toml\n")
    (tmp_path / "resources" / "icons").mkdir(parents=True)
    (tmp_path / "resources" / "icons" / "wiresleuth-48.png").write_bytes(b"\x89PNG")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources.is_frozen()
    assert resources.bundled_root() == tmp_path
    assert resources.expected_package_data() == ["report/report.css", "lab/x.toml"]
    assert resources.unreadable_package_data() == ["lab/x.toml"]
    assert resources.app_icon(48) == tmp_path / "resources" / "icons" / "wiresleuth-48.png"
    assert resources.app_icon(256) is None
