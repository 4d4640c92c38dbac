"""The program holds no rights: it refuses to start with any, and from source it has none.

The frozen build's half of this (``-c``, ``-m``, PYTHONPATH, PYTHONSTARTUP, LD_PRELOAD and
PyInstaller's multiprocessing prefixes, as a user in and out of the capture group) runs in
the .deb smoke test: installers/linux/smoke_inside.sh.
"""

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from installers import privileges

ROOT = Path(__file__).resolve().parents[2]
SYSTEM_PYTHON = Path("/usr/bin/python3")
"""A Python that user nobody can run (the venv's may live under /root)."""
RAW_SOCKET = (
    "import socket\n"
    "try:\n"
    "    socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 768).close()\n"
    "    print('raw socket opened')\n"
    "except PermissionError:\n"
    "    print('refused')\n"
)


def test_a_normal_process_is_not_refused() -> None:
    assert not privileges.is_elevated()  # pytest runs without file capabilities
    assert privileges.refusal("/usr/lib/wiresleuth/wiresleuth") is None


@pytest.fixture
def public_dir() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(dir="/var/tmp", prefix="wiresleuth-test-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder)


needs_root_tools = pytest.mark.skipif(
    os.geteuid() != 0
    or shutil.which("setcap") is None
    or shutil.which("runuser") is None
    or not SYSTEM_PYTHON.is_file(),
    reason="needs root, setcap (libcap2-bin), runuser and a system Python",
)


@needs_root_tools
def test_the_program_from_source_opens_no_raw_socket_as_a_user() -> None:
    done = subprocess.run(
        ["runuser", "-u", "nobody", "--", str(SYSTEM_PYTHON), "-c", RAW_SOCKET],
        capture_output=True, text=True, timeout=60, cwd="/", check=False,
    )  # fmt: skip
    assert done.stdout.strip() == "refused", done.stdout + done.stderr


@needs_root_tools
def test_a_program_given_a_file_capability_refuses_to_start(public_dir: Path) -> None:
    python = public_dir / "python-with-cap"
    shutil.copy2(os.path.realpath(SYSTEM_PYTHON), python)
    subprocess.run(["setcap", "cap_net_raw=ep", str(python)], check=True)
    script = "import sys; from installers.privileges import refusal; print(refusal(sys.executable))"
    done = subprocess.run(
        ["runuser", "-u", "nobody", "--", "env", f"PYTHONPATH={ROOT}", str(python), "-c", script],
        capture_output=True, text=True, timeout=60, cwd="/", check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "started with elevated rights" in done.stdout
    assert f"sudo setcap -r {python}" in done.stdout
