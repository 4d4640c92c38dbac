"""Reading findings out of a bundle written by the program."""

import json
import zipfile
from pathlib import Path

import pytest

from wiresleuth.errors import LabError
from wiresleuth.lab.report_reader import read_findings


def bundle(path: Path, report: object) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("report.json", json.dumps(report))
    return path


def test_findings_are_read_in_order(tmp_path: Path) -> None:
    findings = [{"id": "a", "severity": "problem"}, {"id": "b", "severity": "info"}]
    assert read_findings(bundle(tmp_path / "x.wsbundle", {"findings": findings})) == findings


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p, "wrote no bundle"),
        (lambda p: (p.write_text("not a zip"), p)[1], "unreadable bundle"),
        (lambda p: bundle(p, {"summary": {}}), "no list of findings"),
        (lambda p: bundle(p, {"findings": ["a"]}), "no list of findings"),
    ],
)
def test_bad_bundles_are_named(tmp_path: Path, make: object, message: str) -> None:
    path = make(tmp_path / "x.wsbundle")  # type: ignore[operator]
    with pytest.raises(LabError, match=message):
        read_findings(path)


def test_a_zip_without_report(tmp_path: Path) -> None:
    path = tmp_path / "x.wsbundle"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("log.txt", "")
    with pytest.raises(LabError, match=r"no report\.json inside"):
        read_findings(path)
