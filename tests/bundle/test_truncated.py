"""A bundle cut short anywhere is told from a file that is no zip, with how much arrived."""

from __future__ import annotations

from pathlib import Path

from wiresleuth.bundle.truncated import incomplete, incomplete_message

C1 = Path(__file__).parents[1] / "gui" / "samples" / "lab-C1.wsbundle"


def test_every_cut_is_found_and_says_at_least_one_more_byte(tmp_path: Path) -> None:
    data = C1.read_bytes()
    cut = tmp_path / "cut.wsbundle"
    for size in [*range(4, len(data), 211), len(data) - 1, len(data) - 22, len(data) - 23]:
        cut.write_bytes(data[:size])
        found = incomplete(cut)
        assert found is not None and found[0] == size and size < found[1] <= len(data) + 22, size


def test_a_whole_bundle_and_other_files_are_not_incomplete(tmp_path: Path) -> None:
    assert incomplete(C1) is None
    other = tmp_path / "notes.txt"
    other.write_text("not a zip")
    assert incomplete(other) is None and incomplete_message(other) is None
    assert incomplete(tmp_path / "missing") is None


def test_the_message(tmp_path: Path) -> None:
    cut = tmp_path / "x.wsbundle"
    cut.write_bytes(b"PK\x03\x04 cut short")
    assert incomplete_message(cut) == (
        f"{cut} is incomplete: it holds 14 of at least 30 bytes (the download or copy was "
        "cut short); ask for the file again"
    )
