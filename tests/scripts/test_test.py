"""scripts/test: the README's command works as root without sudo and as a user with sudo."""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "test"

needs_root = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("setpriv") is None,
    reason="runs the script as nobody: needs root and setpriv (util-linux; scripts/setup installs it)",
)


def as_nobody(path_dirs: list[Path], *args: str) -> subprocess.CompletedProcess[str]:
    """scripts/test run as nobody with PATH limited to ``path_dirs`` plus the system folders."""
    path = ":".join([*(str(d) for d in path_dirs), "/usr/bin", "/bin"])
    return subprocess.run(
        ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--",
         "/usr/bin/env", "-i", f"PATH={path}", "HOME=/nonexistent", "bash", str(SCRIPT), *args],
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
    )  # fmt: skip


def test_the_readme_and_ci_run_the_same_command_without_sudo() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "\nscripts/test " in readme and "sudo scripts/test" not in readme
    assert (ROOT / ".ci" / "run").read_text().rstrip().endswith("exec scripts/test")


@needs_root
def test_without_root_or_sudo_it_says_what_to_do() -> None:
    if shutil.which("sudo", path="/usr/bin:/bin"):
        pytest.skip("sudo is installed on this machine: the no-sudo case cannot be shown here")
    done = as_nobody([], "-k", "nothing")
    assert done.returncode == 2
    assert "sudo is not installed" in done.stderr and "su -" in done.stderr
    assert "== ruff" not in done.stdout  # stopped before doing anything


@needs_root
def test_without_root_it_reexecutes_itself_with_sudo() -> None:
    # sudo itself is not installed here (a fresh Debian root has none), so a stand-in records
    # how the script calls it; the real sudo takes the same arguments. (pytest's tmp_path is
    # not reachable for nobody.)
    with tempfile.TemporaryDirectory(prefix="wiresleuth-sudo-") as folder:
        _reexecutes(Path(folder))


def _reexecutes(tmp_path: Path) -> None:
    tmp_path.chmod(0o777)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    record = tmp_path / "sudo-args"
    fake = bin_dir / "sudo"
    fake.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > {record}\n')
    fake.chmod(0o755)
    done = as_nobody([bin_dir], "-k", "two words")
    assert done.returncode == 0, done.stderr
    assert record.read_text().splitlines() == ["--", str(SCRIPT), "-k", "two words"]
