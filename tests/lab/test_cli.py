"""``wiresleuth lab`` as an engineer uses it: list, refusal without root, up/down, Ctrl-C, crash."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.cli_process import Running
from tests.lab.conftest import fresh_names
from tests.lab.prefixes import lab_prefix
from wiresleuth.lab.commands import run as run_cmd
from wiresleuth.lab.names import PREFIX_ENV, LabNames
from wiresleuth.lab.processes import read_table, start_ticks
from wiresleuth.lab.scenario import shipped_names
from wiresleuth.lab.topology import existing_namespaces
from wiresleuth.lab.waiting import wait_until

PREFIX = lab_prefix("lab-cli")


def lab_cli(
    *args: str, prefix: str = PREFIX, user: int | None = None
) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, "-m", "wiresleuth", "lab", *args]
    if user is not None:
        argv = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", *argv]
    return subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False,
                          env={**os.environ, PREFIX_ENV: prefix})  # fmt: skip


def assert_gone(names: LabNames) -> None:
    assert existing_namespaces(names) == []
    assert not names.state_dir.exists()
    assert not any(names.etc_dir(r).exists() for r in ("client", "router", "proxy", "internet"))


def test_list_names_every_shipped_scenario() -> None:
    done = lab_cli("list")
    assert done.returncode == 0, done.stderr
    listed = [line.split()[0] for line in done.stdout.splitlines()]
    assert listed == shipped_names()


def test_without_root_the_lab_refuses_clearly(tmp_path: Path) -> None:
    user = 65534 if os.geteuid() == 0 else None
    done = lab_cli("run", "baseline", "--out", str(tmp_path / "x.wsbundle"), user=user)
    assert done.returncode == 2
    assert "needs root" in done.stderr or "needs Linux" in done.stderr, done.stderr


def test_a_bad_scenario_file_exits_2_naming_the_key(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('description = "x"\n[client]\ntargets = ["https://www.lab.test/"]\n'
                   '[[fault]]\nkind = "netem"\n')  # fmt: skip
    if os.geteuid() != 0:
        pytest.skip("the lab checks root before it reads the scenario")
    done = lab_cli("run", str(bad), "--out", str(tmp_path / "x.wsbundle"))
    assert done.returncode == 2
    assert f"{bad}: [[fault]] #1: key 'kind': unknown primitive 'netem'" in done.stderr


@pytest.mark.lab
def test_up_then_down() -> None:
    names = fresh_names("lab-cli")
    up = lab_cli("up", "C8")
    try:
        assert up.returncode == 0, up.stdout + up.stderr
        assert f"ip netns exec {names.ns('client')}" in up.stdout
        assert existing_namespaces(names) == list(names.namespaces)
        procs = read_table(names.state_dir)
        assert procs and all(start_ticks(p.pid) == p.start_ticks for p in procs)
        assert (names.state_dir / "profile.toml").exists()
    finally:
        down = lab_cli("down")
    assert down.returncode == 0, down.stderr
    assert_gone(names)
    assert all(start_ticks(p.pid) != p.start_ticks for p in procs)
    assert "nothing to do" in lab_cli("down").stdout


def lab_run(tmp_path: Path) -> Running:
    """``lab run C6`` in the background, its output (stdout and stderr together) read as it
    comes by a thread (no pipe buffering games)."""
    return Running(
        "lab", "run", "C6", "--out", str(tmp_path / "c6.wsbundle"),
        env={PREFIX_ENV: PREFIX}, merge_stderr=True,
    )  # fmt: skip


@pytest.mark.lab
def test_ctrl_c_tears_the_lab_down(tmp_path: Path) -> None:
    names = fresh_names("lab-cli")
    run = lab_run(tmp_path)
    try:
        run.wait_for_line("running the program", timeout=30)
        procs = read_table(names.state_dir)
        run.proc.send_signal(signal.SIGINT)
        code, _, output = run.finish(timeout=20)
    finally:
        run.close()
    assert code == 2, output
    assert "interrupted by SIGINT; the lab was torn down" in output
    assert_gone(names)
    assert all(start_ticks(p.pid) != p.start_ticks for p in procs)


@pytest.mark.lab
def test_down_cleans_up_after_a_killed_run(tmp_path: Path) -> None:
    names = fresh_names("lab-cli")
    run = lab_run(tmp_path)

    def in_client() -> list[int]:
        shown = run_cmd(["ip", "netns", "pids", names.ns("client")]).stdout
        return [int(pid) for pid in shown.split()]

    try:
        run.wait_for_line("running the program", timeout=30)
        procs = read_table(names.state_dir)
        wait_until(lambda: bool(in_client()), what="the program under test", timeout=10)
        running = in_client()
        run.proc.kill()  # no teardown at all: servers, squid and the program under test stay
        run.finish(timeout=10)
    finally:
        run.close()
    assert existing_namespaces(names) == [*names.namespaces, names.ns("wan")]  # C6: 2 routers
    down = lab_cli("down")
    assert down.returncode == 0, down.stderr
    assert_gone(names)
    assert all(start_ticks(p.pid) != p.start_ticks for p in procs)
    assert all(start_ticks(pid) is None for pid in running)
