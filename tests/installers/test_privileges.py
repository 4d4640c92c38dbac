import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from installers import privileges

ROOT = Path(__file__).resolve().parents[2]

HOSTILE = {
    "QT_PLUGIN_PATH": "/tmp/evil",
    "QT_QPA_PLATFORM_PLUGIN_PATH": "/tmp/evil",
    "GTK_MODULES": "evil",
    "GIO_EXTRA_MODULES": "/tmp/evil",
    "LD_PRELOAD": "/tmp/evil.so",
    "PYTHONPATH": "/tmp/evil",
    "SSL_CERT_FILE": "/tmp/ca.pem",
    "PATH": "/tmp/evil:/usr/bin",
}
NEEDED = {
    "HOME": "/home/u",
    "DISPLAY": ":0",
    "LC_ALL": "C.UTF-8",
    "https_proxy": "http://proxy:3128",
    "WIRESLEUTH_PUBLIC_CA_BUNDLE": "/x.pem",
    "QT_QPA_PLATFORM": "offscreen",
}


def test_an_elevated_process_keeps_data_and_drops_code_locations() -> None:
    kept = privileges.kept_environment({**HOSTILE, **NEEDED})
    assert kept == {**NEEDED, "PATH": privileges.SAFE_PATH}


def test_qt_plugin_path_options_are_refused() -> None:
    assert privileges.refused_option(["run", "--out", "x"]) is None
    assert privileges.refused_option(["-platformpluginpath", "/tmp"]) == "-platformpluginpath"
    assert privileges.refused_option(["--platformpluginpath=/tmp"]) == "--platformpluginpath=/tmp"


def test_a_normal_process_is_left_alone() -> None:
    assert not privileges.is_elevated()  # pytest runs without file capabilities
    environ = dict(HOSTILE)
    assert privileges.harden(environ, ["-platformpluginpath", "/tmp"]) is None
    assert environ == HOSTILE


SYSTEM_PYTHON = Path("/usr/bin/python3")
"""A Python that user nobody can run (the venv's may live under /root)."""


@pytest.fixture
def public_dir() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(dir="/var/tmp", prefix="wiresleuth-test-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder)


@pytest.mark.skipif(
    os.geteuid() != 0
    or shutil.which("setcap") is None
    or shutil.which("runuser") is None
    or not SYSTEM_PYTHON.is_file(),
    reason="granting a file capability needs root, setcap and a system Python",
)
def test_a_process_started_with_a_file_capability_is_detected_and_hardened(
    public_dir: Path,
) -> None:
    python = public_dir / "python-with-cap"
    shutil.copy2(os.path.realpath(SYSTEM_PYTHON), python)
    subprocess.run(["setcap", "cap_net_raw=ep", str(python)], check=True)
    script = (
        "import os, sys; from installers.privileges import harden, is_elevated; "
        "print(is_elevated(), harden(os.environ, []), os.environ.get('QT_PLUGIN_PATH'), "
        "os.environ['PATH'])"
    )
    env = {"PYTHONPATH": str(ROOT), "QT_PLUGIN_PATH": "/tmp/evil"}
    done = subprocess.run(
        ["runuser", "-u", "nobody", "--", "env", *[f"{k}={v}" for k, v in env.items()],
         str(python), "-c", script],
        capture_output=True, text=True, timeout=60, cwd="/", check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "None", "None", privileges.SAFE_PATH]
