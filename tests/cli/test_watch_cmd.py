"""``wiresleuth watch`` as a user runs it: lines per attempt, Ctrl-C saves, the bundle opens."""

import argparse
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import trustme

from tests.cli.test_run_cmd import write_profile
from tests.probes.loopback_servers import LoopbackServer, tls_ok, trust_env
from wiresleuth.bundle.reader import read_bundle
from wiresleuth.bundle.watch_file import watch_summary
from wiresleuth.cli.watch_cmd import duration


@pytest.fixture
def lab_env(tmp_path: Path) -> tuple[trustme.CA, dict[str, str]]:
    ca = trustme.CA()
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    return ca, {**trust_env(tmp_path, [ca], [ca]), "TMPDIR": str(scratch)}


class Watching:
    """``wiresleuth watch`` as a child; its stderr lines read as they come (bounded waits)."""

    def __init__(self, *args: str, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "wiresleuth", "watch", *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, **env},
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.put(line)

    def wait_for_line(self, needle: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                if self.proc.poll() is not None:
                    break
                continue
            self.seen.append(line)
            if needle in line:
                return
        self.proc.kill()
        pytest.fail(f"no line with {needle!r}; saw: {''.join(self.seen)}")

    def finish(self, timeout: float = 60) -> tuple[int, str, str]:
        assert self.proc.stdout is not None
        out = self.proc.stdout.read()
        code = self.proc.wait(timeout=timeout)
        self._reader.join(timeout)
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        self.proc.stdout.close()
        if self.proc.stderr is not None:
            self.proc.stderr.close()
        return code, out, "".join(self.seen)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("90", 90.0), ("90s", 90.0), ("2m", 120.0), ("8h", 28800.0), ("1D", 86400.0)],
)
def test_durations_read_as_people_write_them(text: str, seconds: float) -> None:
    assert duration(text) == seconds


@pytest.mark.parametrize("text", ["", "2x", "-5m", "m", "1e9"])
def test_nonsense_durations_are_refused_with_an_example(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match="2m, 8h"):
        duration(text)


def test_ctrl_c_ends_the_watch_and_saves_what_it_saw(tmp_path: Path, lab_env) -> None:
    ca, env = lab_env
    out = tmp_path / "out" / "watch.wsbundle"
    out.parent.mkdir()
    with LoopbackServer(tls_ok(ca)) as good:
        profile = write_profile(tmp_path, f"localhost:{good.port}")
        watching = Watching(
            "--profile",
            str(profile),
            "--every",
            "1h",
            "--for",
            "8h",
            "--out",
            str(out),
            "--no-capture",
            env=env,
        )
        watching.wait_for_line("attempt 1: worked")
        watching.proc.send_signal(signal.SIGINT)
        code, stdout, stderr = watching.finish()
    assert code == 0, stderr
    assert "ending the watch" in stderr and "Traceback" not in stderr
    assert "Watch stopped by you: 1 attempt(s)" in stdout and "Every attempt worked." in stdout
    summary = watch_summary(read_bundle(out).report)
    assert summary is not None and summary.settings.ended == "cancelled"
    assert [a.ok for a in summary.attempts] == [True]
    assert list((tmp_path / "tmp").iterdir()) == []  # no scratch left
    assert [p.name for p in out.parent.iterdir()] == [out.name]


def test_a_short_watch_ends_by_itself_and_says_what_failed(tmp_path: Path, lab_env) -> None:
    _, env = lab_env
    out = tmp_path / "watch.wsbundle"
    # nothing listens on this port: every attempt fails the same way, on one address
    closed = LoopbackServer(tls_ok(trustme.CA()))
    port = closed.port
    closed.close()
    profile = write_profile(tmp_path, f"127.0.0.1:{port}")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "wiresleuth",
            "watch",
            "--profile",
            str(profile),
            "--every",
            "5s",
            "--for",
            "6s",
            "--out",
            str(out),
            "--no-capture",
        ],
        capture_output=True,
        text=True,
        timeout=240,
        env={**os.environ, **env},
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert "attempt 1: FAILED: 127.0.0.1" in done.stderr and "full diagnosis" in done.stderr
    assert "Watch finished: 2 attempt(s)" in done.stdout, done.stdout
    assert f"on 127.0.0.1:{port} at 127.0.0.1: failed 2 time(s)" in done.stdout
    assert "it never worked" in done.stdout
    summary = watch_summary(read_bundle(out).report)
    assert summary is not None and summary.groups[0].count == 2


def test_report_tells_a_watchs_story_and_reanalyse_says_why_it_does_not() -> None:
    from tests.gui.lab_samples import lab_bundle

    bundle = str(lab_bundle("flaky-policer"))
    shown = subprocess.run(
        [sys.executable, "-m", "wiresleuth", "report", bundle],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert shown.returncode == 1, shown.stderr
    assert shown.stdout.startswith("Watch finished: 7 attempt(s)")
    assert "(tls.no_server_hello) on chat.lab.test:443 at 100.64.1.20: failed 3 time(s)" in (
        shown.stdout
    )
    assert "A network policy drops large packets" in shown.stdout
    again = subprocess.run(
        [sys.executable, "-m", "wiresleuth", "report", bundle, "--reanalyse"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert again.returncode == 2
    assert "is a watch's bundle" in again.stderr and again.stderr.count("\n") == 1
