"""Scratch folders: private, removed on every path, and swept after a killed process."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from wiresleuth.engine import scratch

OLD = time.time() - scratch.STALE_AFTER - 600


def _folder(base: Path, name: str, owner: str | None, *, mtime: float = OLD) -> Path:
    folder = base / name
    folder.mkdir(mode=0o700)
    (folder / "capture.pcapng").write_bytes(b"\x0a\x0d\x0d\x0a")
    if owner is not None:
        (folder / scratch.OWNER_FILE).write_text(owner)
    os.utime(folder, (mtime, mtime))
    return folder


@pytest.fixture
def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait(timeout=30)
    return child.pid


@pytest.fixture
def live_child() -> Iterator[psutil.Process]:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        yield psutil.Process(child.pid)
    finally:
        child.kill()
        child.wait(timeout=30)


def test_a_new_folder_is_private_and_names_its_owner(tmp_path: Path) -> None:
    folder = scratch.new_folder(base=tmp_path)
    try:
        assert folder.name.startswith(scratch.RUN_PREFIX)
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        owner = folder / scratch.OWNER_FILE
        assert stat.S_IMODE(owner.stat().st_mode) == 0o600
        pid, started = owner.read_text().split()
        assert int(pid) == os.getpid()
        assert abs(float(started) - psutil.Process().create_time()) < 1
        capture = scratch.private_file(folder / "capture.pcapng")
        capture.write_bytes(b"packets")  # a writer that truncates keeps the mode
        assert stat.S_IMODE(capture.stat().st_mode) == 0o600
    finally:
        scratch.discard(folder)
    assert not folder.exists()


def test_discard_touches_only_this_process_folders(tmp_path: Path) -> None:
    foreign = _folder(tmp_path, scratch.RUN_PREFIX + "foreign", None)
    scratch.discard(foreign)
    scratch.discard_for(foreign / "capture.pcapng")
    assert foreign.exists()


def test_a_stale_folder_of_a_dead_process_is_swept(tmp_path: Path, dead_pid: int) -> None:
    stale = _folder(tmp_path, scratch.RUN_PREFIX + "dead", f"{dead_pid} 1000.000\n")
    analyze = _folder(tmp_path, scratch.ANALYZE_PREFIX + "dead", f"{dead_pid} 1000.000\n")
    ownerless = _folder(tmp_path, scratch.RUN_PREFIX + "old-version", None)
    assert sorted(scratch.sweep_stale(tmp_path)) == sorted([stale, analyze, ownerless])
    assert list(tmp_path.iterdir()) == []


def test_live_young_and_foreign_folders_are_kept(
    tmp_path: Path, dead_pid: int, live_child: psutil.Process
) -> None:
    live = _folder(
        tmp_path, scratch.RUN_PREFIX + "live", f"{live_child.pid} {live_child.create_time():.3f}\n"
    )
    young = _folder(tmp_path, scratch.RUN_PREFIX + "young", f"{dead_pid} 1.0\n", mtime=time.time())
    other = _folder(tmp_path, "someone-else-" + scratch.RUN_PREFIX, None)
    plain_file = tmp_path / (scratch.RUN_PREFIX + "file")
    plain_file.write_text("not a folder")
    os.utime(plain_file, (OLD, OLD))
    assert scratch.sweep_stale(tmp_path) == []
    assert all(p.exists() for p in (live, young, other, plain_file))


def test_a_reused_pid_is_not_taken_for_the_owner(
    tmp_path: Path, live_child: psutil.Process
) -> None:
    # The pid lives, but it is another process than the one that made the folder.
    reused = _folder(
        tmp_path,
        scratch.RUN_PREFIX + "reused",
        f"{live_child.pid} {live_child.create_time() - 500:.3f}\n",
    )
    assert scratch.sweep_stale(tmp_path) == [reused]


def _in_child(code: str, tmp: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "TMPDIR": str(tmp)},
        check=False,
    )


def test_folders_still_held_at_exit_are_removed(tmp_path: Path) -> None:
    done = _in_child(
        "from wiresleuth.engine import scratch\n"
        "f = scratch.new_folder(); (f / 'capture.pcapng').write_bytes(b'x'); print(f)\n"
        "raise SystemExit(3)\n",
        tmp_path,
    )
    assert done.returncode == 3, done.stderr
    assert Path(done.stdout.strip()).parent == tmp_path
    assert list(tmp_path.iterdir()) == []


def test_after_remove_all_no_folder_can_be_made(tmp_path: Path) -> None:
    done = _in_child(
        "from wiresleuth.engine import scratch\n"
        "scratch.new_folder(); scratch.remove_all(close=True)\n"
        "try:\n    scratch.new_folder()\nexcept scratch.ScratchClosed:\n    print('closed')\n",
        tmp_path,
    )
    assert done.stdout.strip() == "closed", done.stderr
    assert list(tmp_path.iterdir()) == []
