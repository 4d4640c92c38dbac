import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import trustme

from tests.probes.loopback_servers import LoopbackServer, reset_after, tls_ok, trust_env

ROOT = Path(__file__).resolve().parents[2]


def wiresleuth(
    *args: str, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wiresleuth", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL,
        check=False,
    )


@pytest.fixture
def lab_env(tmp_path: Path) -> tuple[trustme.CA, dict[str, str]]:
    ca = trustme.CA()
    return ca, trust_env(tmp_path, [ca], [ca])


def write_profile(tmp_path: Path, *targets: str) -> Path:
    listed = ", ".join(f'"{t}"' for t in targets)
    path = tmp_path / "profile.toml"
    path.write_text(
        f'targets = [{listed}]\n[helpdesk]\nname = "Desk"\n'
        "[budgets]\nrun = 20\nconnect = 1\ntls_handshake = 2\nicmp = 0.3\n"
    )
    return path


def test_run_writes_a_bundle_and_exits_1_on_a_problem(tmp_path: Path, lab_env) -> None:
    ca, env = lab_env
    out = tmp_path / "case.wsbundle"
    with LoopbackServer(tls_ok(ca)) as good, LoopbackServer(reset_after(0.3)) as bad:
        profile = write_profile(tmp_path, f"localhost:{good.port}", f"localhost:{bad.port}")
        done = wiresleuth(
            "run", "--profile", str(profile), "--out", str(out), "--no-capture", env=env
        )
    assert done.returncode == 1, done.stderr
    assert "problem" in done.stdout and str(out) in done.stdout
    names = set(zipfile.ZipFile(out).namelist())
    assert {"manifest.json", "report.json", "system.json", "log.txt", "report.html"} <= names
    shown = wiresleuth("report", str(out))
    assert shown.returncode == 1 and "reset" in shown.stdout.lower()
    as_json = json.loads(wiresleuth("report", str(out), "--json").stdout)
    assert as_json["findings"][0]["id"] == "tls.reset_after_client_hello"


def test_a_healthy_target_exits_0(tmp_path: Path, lab_env) -> None:
    ca, env = lab_env
    out = tmp_path / "ok.wsbundle"
    with LoopbackServer(tls_ok(ca)) as good:
        done = wiresleuth(
            "run",
            "--target",
            f"localhost:{good.port}",
            "--out",
            str(out),
            "--no-capture",
            "--quiet",
            env=env,
        )
    assert done.returncode == 0, done.stdout + done.stderr
    assert out.exists()


def test_a_bad_profile_exits_2_naming_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('targets = ["ok.test:443"]\n[budgets]\nrun = "never"\n')
    done = wiresleuth("run", "--profile", str(bad), "--out", str(tmp_path / "x.wsbundle"))
    assert done.returncode == 2
    assert f"{bad}, line 3: budgets.run" in done.stderr
    assert not (tmp_path / "x.wsbundle").exists()


def test_report_on_a_file_that_is_no_bundle_exits_2(tmp_path: Path) -> None:
    junk = tmp_path / "junk.wsbundle"
    junk.write_bytes(b"not a zip")
    done = wiresleuth("report", str(junk))
    assert done.returncode == 2 and done.stderr.startswith("wiresleuth: ")


def test_start_up_does_not_import_scapy_or_qt() -> None:
    code = (
        "import sys, wiresleuth.cli.main as m; m.build_parser(); import wiresleuth.engine; "
        "print(sorted(k for k in ('scapy', 'PySide6', 'pyqtgraph') if k in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "[]"


def test_version() -> None:
    from wiresleuth import __version__

    assert wiresleuth("--version").stdout.strip() == f"WireSleuth {__version__}"


@pytest.mark.skipif(os.geteuid() != 0, reason="capturing packets needs root")
def test_a_captured_run_leaves_no_scratch_files(tmp_path: Path, lab_env) -> None:
    ca, env = lab_env
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    out = tmp_path / "captured.wsbundle"
    with LoopbackServer(tls_ok(ca)) as good:
        done = wiresleuth(
            "run",
            "--target",
            f"localhost:{good.port}",
            "--out",
            str(out),
            "--quiet",
            env={**env, "TMPDIR": str(scratch)},
        )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "capture.pcapng" in zipfile.ZipFile(out).namelist()
    assert list(scratch.iterdir()) == []
