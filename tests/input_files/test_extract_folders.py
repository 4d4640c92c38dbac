"""Extraction folders: removed when done, and after a kill by a later start (issue 20,
item 6: a killed viewer left the extracted capture in the temporary folder)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from wiresleuth.input_files.extract_folders import (
    OWNER_FILE,
    PREFIX,
    STALE_AFTER,
    extraction_folder,
    sweep_stale,
)

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


def age(folder: Path, seconds: float = STALE_AFTER + 60) -> None:
    """Make ``folder`` look as old as a folder left ``seconds`` ago."""
    then = time.time() - seconds
    os.utime(folder, (then, then))


def test_the_folder_is_private_owned_and_removed_when_the_block_ends(tmp_path: Path) -> None:
    with extraction_folder(tmp_path) as folder:
        assert folder.name.startswith(PREFIX)
        assert folder.stat().st_mode & 0o777 == 0o700
        pid, started = (folder / OWNER_FILE).read_text().split()
        assert int(pid) == os.getpid()
        assert abs(float(started) - psutil.Process().create_time()) < 1
        (folder / "capture.pcapng").write_bytes(b"data")
    assert not folder.exists()
    with pytest.raises(KeyboardInterrupt), extraction_folder(tmp_path) as folder:
        (folder / "capture.pcapng").write_bytes(b"data")
        raise KeyboardInterrupt
    assert not folder.exists()


def test_a_killed_process_leaves_its_folder_and_a_later_start_removes_it(
    tmp_path: Path,
) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(tmp_path)], stdout=subprocess.PIPE, text=True,
        cwd=REPO,
    )  # fmt: skip
    assert child.stdout is not None
    with child.stdout:
        folder = Path(child.stdout.readline().strip())
        assert (folder / "capture.pcapng").exists()
        age(folder)
        assert sweep_stale(tmp_path) == []  # its owner is alive: kept, however old
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    assert folder.exists()  # a kill runs no clean-up
    age(folder, 10)
    assert sweep_stale(tmp_path) == []  # too young: its owner may live in another pid namespace
    age(folder)
    assert sweep_stale(tmp_path) == [folder]
    assert not folder.exists()


def test_a_reused_process_id_does_not_keep_a_dead_owners_folder(tmp_path: Path) -> None:
    parent = psutil.Process().parent()
    assert parent is not None
    folders = {}
    owners = {"reused": parent.create_time() - 3600, "alive": parent.create_time()}
    for name, started in owners.items():  # the same (live) pid; one record an hour older
        folder = tmp_path / f"{PREFIX}{name}"
        folder.mkdir()
        (folder / OWNER_FILE).write_text(f"{parent.pid} {started:.3f}\n")
        folders[name] = folder
    folders["unclaimed"] = tmp_path / f"{PREFIX}unclaimed"  # no owner record at all
    folders["unclaimed"].mkdir()
    folders["run"] = tmp_path / "wiresleuth-run-123"  # the engine's: not ours to sweep
    folders["run"].mkdir()
    for folder in folders.values():
        age(folder)
    removed = sweep_stale(tmp_path)
    assert sorted(removed) == sorted([folders["reused"], folders["unclaimed"]])
    assert folders["alive"].exists() and folders["run"].exists()
