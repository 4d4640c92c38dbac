"""scripts/grant-capture on a copy of a checkout: owner, mode, capability, group, user.

It creates the system group 'wiresleuth', so it runs only where that group does not exist
yet (not on a machine with the package installed), as root, and removes the group after.
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.capture_helper.build import REPO
from wiresleuth.capture.helper_path import CAP_NET_RAW, GROUP, file_capabilities


def group_exists() -> bool:
    try:
        grp.getgrnam(GROUP)
    except KeyError:
        return False
    return True


pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("setcap") is None or group_exists(),
    reason=f"needs root, setcap (scripts/setup), and no '{GROUP}' group on this machine yet",
)


@pytest.fixture
def checkout(tmp_path: Path) -> Iterator[Path]:
    (tmp_path / "scripts").mkdir()
    shutil.copy(REPO / "scripts" / "grant-capture", tmp_path / "scripts" / "grant-capture")
    helper = tmp_path / ".venv" / "libexec" / "wiresleuth-capture"
    helper.parent.mkdir(parents=True)
    helper.write_bytes(b"\x7fELF stands in for the helper")
    helper.chmod(0o755)
    yield tmp_path
    subprocess.run(["groupdel", GROUP], check=False, capture_output=True, timeout=30)


def grant(checkout: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(checkout / "scripts" / "grant-capture")],
        capture_output=True, text=True, timeout=60, check=False,
        env={"PATH": os.environ["PATH"], **env},
    )  # fmt: skip


@pytest.mark.parametrize("how", ["SUDO_USER", "PKEXEC_UID"])
def test_the_checkout_gets_what_the_package_gets(checkout: Path, how: str) -> None:
    env = {"SUDO_USER": "nobody"} if how == "SUDO_USER" else {"PKEXEC_UID": "65534"}
    done = grant(checkout, **env)
    assert done.returncode == 0, done.stderr
    helper = checkout / ".venv" / "libexec" / "wiresleuth-capture"
    info = helper.stat()
    assert (info.st_uid, grp.getgrgid(info.st_gid).gr_name, info.st_mode & 0o7777) == (0, GROUP, 0o750)
    assert file_capabilities(helper) == 1 << CAP_NET_RAW
    assert "nobody" in grp.getgrnam(GROUP).gr_mem
    assert "nobody added to the wiresleuth group: log out and in again" in done.stdout
    again = grant(checkout, **env)
    assert again.returncode == 0 and "nobody is already in the wiresleuth group" in again.stdout
    assert pwd.getpwnam("nobody").pw_gid != grp.getgrnam(GROUP).gr_gid  # a supplementary group


def test_without_a_helper_it_says_to_run_setup(checkout: Path) -> None:
    (checkout / ".venv" / "libexec" / "wiresleuth-capture").unlink()
    done = grant(checkout, SUDO_USER="nobody")
    assert done.returncode == 2 and "run scripts/setup first" in done.stderr
