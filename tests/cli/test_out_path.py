"""Where a bundle goes is checked before the run: every way it can fail says so in words."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from wiresleuth.cli.out_path import check_out_path
from wiresleuth.errors import BadInput


def test_a_writable_place_is_accepted_and_left_clean(tmp_path: Path) -> None:
    assert check_out_path(tmp_path / "case.wsbundle") == tmp_path / "case.wsbundle"
    (tmp_path / "old.wsbundle").write_bytes(b"an older bundle, replaced at the end")
    assert check_out_path(tmp_path / "old.wsbundle") == tmp_path / "old.wsbundle"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.wsbundle"]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("missing/x.wsbundle", "folder .* does not exist"),
        (".", "it is a folder"),
        ("file.txt/x.wsbundle", "is not a folder"),
        ("x" * 300 + ".wsbundle", "the file name is too long"),
    ],
)
def test_what_cannot_be_written_is_refused(tmp_path: Path, name: str, message: str) -> None:
    (tmp_path / "file.txt").write_text("a file")
    with pytest.raises(BadInput, match=message):
        check_out_path(tmp_path / name)


@pytest.fixture
def immutable_folder(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "immutable"
    folder.mkdir()
    try:
        done = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, check=False)
    except OSError as exc:
        pytest.skip(f"chattr is not available: {exc}")
    if done.returncode != 0:
        pytest.skip(f"cannot make a folder immutable here: {done.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)


def test_a_folder_nobody_may_write_in_is_refused(immutable_folder: Path) -> None:
    # Immutable: even root may not create a file there, as a normal user in a locked folder.
    with pytest.raises(BadInput, match="you may not write in folder"):
        check_out_path(immutable_folder / "x.wsbundle")
