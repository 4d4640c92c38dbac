"""Extraction folders: removed when done, and after a kill at the next start (issue 20,
item 6: a killed viewer left the extracted capture in the temporary folder)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from wiresleuth.input_files.extract_folders import PREFIX, extraction_folder, sweep_stale

REPO = Path(__file__).resolve().parents[2]

HOLDER = """
import sys, time
from pathlib import Path
from wiresleuth.input_files.extract_folders import extraction_folder
with extraction_folder(Path(sys.argv[1])) as folder:
    (folder / "capture.pcapng").write_bytes(b"x" * 4096)
    print(folder, flush=True)
    time.sleep(120)
"""


def _start_holder(root: Path) -> tuple[subprocess.Popen[str], Path]:
    child = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(root)], stdout=subprocess.PIPE, text=True, cwd=REPO
    )
    assert child.stdout is not None
    line = child.stdout.readline().strip()  # bounded: the child prints at once or exits
    assert line, "the child did not make its folder"
    return child, Path(line)


def test_the_folder_is_private_and_removed_when_the_block_ends(tmp_path: Path) -> None:
    with extraction_folder(tmp_path) as folder:
        assert folder.name.startswith(f"{PREFIX}{os.getpid()}-")
        assert folder.stat().st_mode & 0o777 == 0o700
        (folder / "capture.pcapng").write_bytes(b"data")
    assert not folder.exists()
    with pytest.raises(KeyboardInterrupt), extraction_folder(tmp_path) as folder:
        (folder / "capture.pcapng").write_bytes(b"data")
        raise KeyboardInterrupt
    assert not folder.exists()


def test_a_killed_process_leaves_its_folder_and_the_next_start_removes_it(
    tmp_path: Path,
) -> None:
    child, folder = _start_holder(tmp_path)
    try:
        assert (folder / "capture.pcapng").exists()
        assert sweep_stale(tmp_path) == 0  # its owner is alive: kept
        assert folder.exists()
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        assert child.stdout is not None
        child.stdout.close()
    assert folder.exists()  # a kill runs no clean-up
    assert sweep_stale(tmp_path) == 1
    assert not folder.exists()


def test_a_reused_process_id_does_not_keep_a_dead_owners_folder(tmp_path: Path) -> None:
    me = psutil.Process()
    started = int(me.create_time())
    reused = tmp_path / f"{PREFIX}{me.pid}-{started - 3600}-abc"  # this pid, an hour earlier
    mine = tmp_path / f"{PREFIX}{me.pid}-{started}-def"
    unrelated = tmp_path / "wiresleuth-run-123-xyz"
    for folder in (reused, mine, unrelated):
        folder.mkdir()
    assert sweep_stale(tmp_path) == 1
    assert not reused.exists() and mine.exists() and unrelated.exists()
