"""``wiresleuth watch`` as a user runs it: lines per attempt, Ctrl-C saves, the bundle opens."""

import argparse
import signal
from pathlib import Path

import pytest
import trustme

from tests.cli.cli_process import Running, wiresleuth, write_profile
from tests.probes.loopback_servers import LoopbackServer, tls_ok
from wiresleuth.bundle.reader import read_bundle
from wiresleuth.bundle.watch_file import watch_summary
from wiresleuth.cli.watch_cmd import duration


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
        watching = Running(
            "watch",
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
        try:
            watching.wait_for_line("attempt 1: worked")
            watching.proc.send_signal(signal.SIGINT)
            code, stdout, stderr = watching.finish()
        finally:
            watching.close()
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
    done = wiresleuth(
        "watch", "--profile", str(profile), "--every", "5s", "--for", "6s", "--out", str(out),
        "--no-capture", env=env, timeout=240,
    )  # fmt: skip
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
    shown = wiresleuth("report", bundle)
    assert shown.returncode == 1, shown.stderr
    assert shown.stdout.startswith("Watch finished: 7 attempt(s)")
    assert "(tls.no_server_hello) on chat.lab.test:443 at 100.64.1.20: failed 3 time(s)" in (
        shown.stdout
    )
    assert "A network policy drops large packets" in shown.stdout
    again = wiresleuth("report", bundle, "--reanalyse")
    assert again.returncode == 2
    assert "is a watch's bundle" in again.stderr and again.stderr.count("\n") == 1
