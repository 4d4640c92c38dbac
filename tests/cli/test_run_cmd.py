import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil
import pytest

from tests.cli.cli_process import Running, wiresleuth, write_profile
from tests.probes.loopback_servers import LoopbackServer, reset_after, tls_ok


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
    out = tmp_path / "captured.wsbundle"
    with LoopbackServer(tls_ok(ca)) as good:
        done = wiresleuth(
            "run",
            "--target",
            f"localhost:{good.port}",
            "--out",
            str(out),
            "--quiet",
            env=env,
        )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "capture.pcapng" in zipfile.ZipFile(out).namelist()
    assert list(scratch.iterdir()) == []


# -- the run's lifecycle: Ctrl-C, scratch files, checks before the run --------------------


def stall(release: threading.Event) -> Callable[[socket.socket], None]:
    """Accepts, reads the ClientHello and never answers (until the test ends)."""

    def behave(conn: socket.socket) -> None:
        conn.recv(4096)
        release.wait(60)

    return behave


@pytest.fixture
def stalled_run(tmp_path: Path, lab_env) -> Iterator[tuple[Running, Path, Path]]:
    """A run with one target that resets (finishes) and one that stalls; capture when root."""
    _, env = lab_env
    scratch_dir = tmp_path / "tmp"
    out = tmp_path / "out" / "cancelled.wsbundle"
    out.parent.mkdir()
    release = threading.Event()
    with LoopbackServer(stall(release)) as stalled, LoopbackServer(reset_after(0.2)) as reset:
        profile = tmp_path / "stall.toml"
        profile.write_text(
            f'targets = ["localhost:{stalled.port}", "localhost:{reset.port}"]\n'
            "[budgets]\nrun = 120\nconnect = 2\ntls_handshake = 60\nicmp = 0.3\n"
        )
        capture = () if os.geteuid() == 0 else ("--no-capture",)
        running = Running("run", "--profile", str(profile), "--out", str(out), *capture, env=env)
        try:
            yield running, out, scratch_dir
        finally:
            release.set()
            running.close()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_ctrl_c_cancels_and_saves_what_finished(stalled_run, signum: int) -> None:
    running, out, scratch_dir = stalled_run
    running.wait_for_line("proxies checked")  # the PAC and proxy checks are done by now
    running.proc.send_signal(signum)
    code, stdout, stderr = running.finish(timeout=60)
    assert code == 2, stderr
    assert "cancelling" in stderr and "Traceback" not in stderr
    assert "The run was cancelled" in stdout and str(out) in stdout, stdout + stderr
    report = json.loads(zipfile.ZipFile(out).read("report.json"))
    assert report["cancelled"] is True
    assert {"pac", "proxy"} <= set(report["observations"])
    # a check the cancel stopped says so in its status, not as a "could not complete" warning
    assert not any(f["id"] == "probe.failed" for f in report["findings"])
    stopped = [c for c in report["checks"] if c["status"] == "could_not_run"]
    assert stopped and all("cancelled" in c["reason"] for c in stopped)
    assert "could not run (the run was cancelled" in stdout  # "What was checked"
    assert list(scratch_dir.iterdir()) == []
    assert [p.name for p in out.parent.iterdir()] == [out.name]


def test_ctrl_c_twice_quits_at_once_saving_nothing(stalled_run) -> None:
    running, out, scratch_dir = stalled_run
    running.wait_for_line("proxies checked")
    running.proc.send_signal(signal.SIGINT)
    running.wait_for_line("cancelling")
    running.proc.send_signal(signal.SIGINT)
    code, stdout, stderr = running.finish(timeout=30)
    assert "Bundle for your helpdesk" not in stdout
    assert code == 2, stderr
    assert "nothing was saved" in stderr and "Traceback" not in stderr
    assert list(out.parent.iterdir()) == []  # no bundle, no half-written temporary file
    assert list(scratch_dir.iterdir()) == []


def test_a_stale_scratch_folder_is_removed_when_a_run_starts(tmp_path: Path, lab_env) -> None:
    from wiresleuth.engine import scratch

    _, env = lab_env
    scratch_dir = tmp_path / "tmp"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait(timeout=30)
    old = time.time() - scratch.STALE_AFTER - 60
    kept_alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        folders = {}
        for name, pid in (("dead", dead.pid), ("alive", kept_alive.pid)):
            folder = scratch_dir / f"{scratch.RUN_PREFIX}{name}"
            folder.mkdir(mode=0o700)
            (folder / "capture.pcapng").write_bytes(b"secret packets")
            started = 1.0 if name == "dead" else psutil.Process(pid).create_time()
            (folder / scratch.OWNER_FILE).write_text(f"{pid} {started:.3f}\n")
            os.utime(folder, (old, old))
            folders[name] = folder
        done = wiresleuth(
            "run", "--target", "localhost:9", "--out", str(tmp_path / "r.wsbundle"),
            "--no-capture", "--quiet", env=env,
        )  # fmt: skip
    finally:
        kept_alive.kill()
        kept_alive.wait(30)
    assert done.returncode in (0, 1), done.stderr
    assert not folders["dead"].exists()
    assert folders["alive"].exists()


@pytest.mark.parametrize(
    ("profile_text", "message"),
    [
        ("", "nothing to test"),
        ("targets = []\n", "nothing to test"),
        ('targets = ["localhost:1"]\n[budgets]\nrun = 0.001\n', "too short to test anything"),
        ('version = true\ntargets = ["localhost:1"]\n', "version"),
        (f'targets = ["https://{"a" * 64}.lab.test/"]\n', "DNS allows at most 63"),
        ('targets = ["exa mple.lab.test:443"]\n', "not a valid part of a host name"),
        ("x = " + "[" * 100_000 + "]" * 100_000 + "\n", "profile is not valid"),
    ],
)
def test_a_profile_that_cannot_run_is_refused_before_the_run(
    tmp_path: Path, profile_text: str, message: str
) -> None:
    profile = tmp_path / "p.toml"
    profile.write_text(profile_text)
    out = tmp_path / "x.wsbundle"
    done = wiresleuth("run", "--profile", str(profile), "--out", str(out), "--no-capture")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and message in done.stderr, done.stderr
    assert "Testing" not in done.stderr  # refused before the run started
    assert not out.exists()


def test_a_profile_with_a_byte_order_mark_is_read(tmp_path: Path, lab_env) -> None:
    _, env = lab_env
    profile = tmp_path / "bom.toml"
    profile.write_bytes(b'\xef\xbb\xbftargets = []\n[helpdesk]\nname = "Desk"\n')
    out = tmp_path / "bom.wsbundle"
    done = wiresleuth("run", "--profile", str(profile), "--target", "localhost:9", "--out",
                      str(out), "--no-capture", "--quiet", env=env)  # fmt: skip
    assert done.returncode in (0, 1), done.stderr
    assert out.exists()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda t: t / "missing" / "x.wsbundle", "does not exist"),
        (lambda t: t, "it is a folder"),
        (lambda t: t / "file.txt" / "x.wsbundle", "is not a folder"),
    ],
)
def test_out_problems_are_found_before_the_run(tmp_path: Path, make, message: str) -> None:
    (tmp_path / "file.txt").write_text("a file")
    done = wiresleuth("run", "--target", "localhost:9", "--out", str(make(tmp_path)),
                      "--no-capture")  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and message in done.stderr, done.stderr
    assert "Testing" not in done.stderr


@pytest.mark.skipif(shutil.which("unshare") is None, reason="needs unshare (util-linux)")
def test_a_read_only_out_folder_is_found_before_the_run(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    script = (
        f"mount -t tmpfs -o ro none {folder} && exec {sys.executable} -m wiresleuth run "
        f"--target localhost:9 --out {folder}/x.wsbundle --no-capture"
    )
    done = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True,
                          timeout=60, check=False)  # fmt: skip
    if "mount:" in done.stderr or "unshare:" in done.stderr:
        pytest.skip(f"cannot mount a read-only folder here: {done.stderr.strip()}")
    assert done.returncode == 2
    assert "read-only file system" in done.stderr and done.stderr.count("\n") == 1, done.stderr
    assert "Testing" not in done.stderr


def test_an_out_folder_without_write_permission_is_found_before_the_run(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root to run the program as user nobody")
    # setpriv, as the lab runs the program as nobody: subprocess's user= cannot execute this
    # interpreter (it lives under /root), setpriv can.
    as_nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    probe = subprocess.run([*as_nobody, sys.executable, "-c", "import wiresleuth"],
                           capture_output=True, timeout=60, check=False)  # fmt: skip
    if probe.returncode != 0:
        pytest.skip(f"user nobody cannot import wiresleuth with this Python: {probe.stderr!r}")
    home = Path(tempfile.mkdtemp(prefix="wiresleuth-test-"))  # /tmp: nobody can reach it
    try:
        home.chmod(0o755)
        folder = home / "locked"
        folder.mkdir(mode=0o755)
        done = subprocess.run(
            [*as_nobody, sys.executable, "-m", "wiresleuth", "run", "--target", "localhost:9",
             "--out", str(folder / "x.wsbundle"), "--no-capture"],
            capture_output=True, text=True, timeout=60,
            check=False, env={**os.environ, "HOME": str(home)},
        )  # fmt: skip
    finally:
        shutil.rmtree(home)
    assert done.returncode == 2
    assert "you may not write in folder" in done.stderr, done.stderr
    assert done.stderr.count("\n") == 1 and "Testing" not in done.stderr


def test_a_run_that_does_not_stop_after_cancelling_is_given_up_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A check stuck in a blocking call holds the engine's loop: the wait for it is bounded."""
    import asyncio
    import io

    from wiresleuth.cli import run_cmd
    from wiresleuth.cli.interrupts import InterruptGate, StillRunning
    from wiresleuth.cli.terminal_progress import TerminalProgress
    from wiresleuth.engine import Engine
    from wiresleuth.model.plan import FlowSpec
    from wiresleuth.model.target import Target
    from wiresleuth.profile.model import Budgets, Profile
    from wiresleuth.wizards.base import Progress, Wizard, WizardInput

    class Blocks(Wizard):
        id = "blocks"
        title = "Blocks its thread"
        description = "A blocking call inside the event loop, as a buggy probe might make."

        def flows(self, given: WizardInput) -> list[FlowSpec]:
            return []

        def steps(self, given: WizardInput) -> int:
            return 1

        async def run(self, given: WizardInput, progress: Progress) -> None:
            await asyncio.sleep(0)
            time.sleep(3)  # deliberately blocking: cancel cannot reach it

    monkeypatch.setattr(run_cmd, "CANCEL_GRACE", 0.5)
    profile = Profile(targets=(Target.parse("localhost:9"),), budgets=Budgets(run=60))
    engine = Engine(profile, [Blocks()], capture=False)
    gate = InterruptGate()
    presser = threading.Timer(0.5, gate.press)
    presser.start()
    try:
        with pytest.raises(StillRunning):
            run_cmd._run_interruptibly(engine, gate, TerminalProgress(io.StringIO()))
    finally:
        presser.cancel()
