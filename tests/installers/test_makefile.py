"""``make installer`` in a checkout without .venv prepares it, or says in one line what to run."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    shutil.which("make") is None, reason="needs make (apt-get install make)"
)


def test_a_missing_interpreter_stops_with_one_line_naming_the_command(tmp_path: Path) -> None:
    done = subprocess.run(
        ["make", "--no-print-directory", "-C", str(ROOT), "installer", f"PYTHON={tmp_path}/none/python"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    ours = [line for line in done.stderr.splitlines() if not line.startswith("make: ***")]
    assert len(ours) == 1 and "run scripts/setup" in ours[0], done.stderr
    assert "not found: 127" not in done.stderr


def test_without_a_venv_make_runs_scripts_setup_first(tmp_path: Path) -> None:
    # A copy of the Makefile in an empty checkout whose scripts/setup stands in for the real
    # one (which installs Debian packages and a virtualenv: minutes, done in the fresh-clone check).
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    (tmp_path / "scripts").mkdir()
    setup = tmp_path / "scripts" / "setup"
    setup.write_text(
        "#!/bin/sh\nmkdir -p .venv/bin\nprintf '#!/bin/sh\\nexit 0\\n' > .venv/bin/python\n"
        "chmod +x .venv/bin/python\necho setup-ran\n"
    )
    setup.chmod(0o755)
    if shutil.which("apt-get") is None:
        pytest.skip("make runs scripts/setup only on Debian/Ubuntu (apt-get)")
    done = subprocess.run(
        ["make", "--no-print-directory", "-C", str(tmp_path), "installer-tools"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no .venv yet: running scripts/setup" in done.stdout and "setup-ran" in done.stdout
    again = subprocess.run(
        ["make", "--no-print-directory", "-C", str(tmp_path), "installer-tools"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert "setup-ran" not in again.stdout
