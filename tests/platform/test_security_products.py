"""The inventory names agents that can touch this program's traffic, and no others."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from wiresleuth.platform.net_namespace import same_network_namespace
from wiresleuth.platform.security_parsers import KNOWN_LINUX_AGENTS
from wiresleuth.platform.security_products import collect_security_products

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux /proc")


def _agent(tmp_path: Path, name: str, *wrapper: str) -> Iterator[psutil.Process]:
    """A real process whose name is ``name`` (``sleep`` run through a link of that name),
    optionally started by ``wrapper`` (``unshare --net``), which execs it in place."""
    link = tmp_path / name
    link.symlink_to(shutil.which("sleep") or "/bin/sleep")
    proc = subprocess.Popen([*wrapper, str(link), "60"])
    try:
        found = psutil.Process(proc.pid)
        for _ in range(100):  # bounded: until the wrapper has exec'd the agent (<1 s)
            if found.name() == name:
                break
            psutil.wait_procs([found], timeout=0.01)
        assert found.name() == name
        yield found
    finally:
        proc.kill()
        proc.wait(timeout=10)


@pytest.fixture
def agent_here(tmp_path: Path) -> Iterator[psutil.Process]:
    yield from _agent(tmp_path, "cylancesvc")


@pytest.fixture
def agent_elsewhere(tmp_path: Path) -> Iterator[psutil.Process]:
    if sys.platform != "linux" or os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.skip("needs Linux, root and util-linux `unshare` (run as root, as CI does)")
    yield from _agent(tmp_path, "esets_daemon", "unshare", "--net")


@linux_only
def test_an_agent_in_this_network_namespace_is_reported(agent_here: psutil.Process) -> None:
    assert same_network_namespace(agent_here.pid) is True
    products, error = collect_security_products()
    assert error is None
    assert KNOWN_LINUX_AGENTS["cylancesvc"] in [p.name for p in products]


@linux_only
def test_an_agent_in_another_network_namespace_is_not_this_computers(
    agent_elsewhere: psutil.Process,
) -> None:
    """A container's agent or another lab run's (C7's ``ds_agent``) cannot hold this
    program's traffic: it used to be reported in every run on the machine."""
    assert same_network_namespace(agent_elsewhere.pid) is False
    products, _ = collect_security_products()
    assert KNOWN_LINUX_AGENTS["esets_daemon"] not in [p.name for p in products]


@linux_only
def test_an_unprivileged_user_still_tells_namespaces_apart(
    agent_elsewhere: psutil.Process,
) -> None:
    """As a user without ptrace rights over root's processes ``/proc/PID/ns/net`` is
    unreadable; the namespace's own proc entries still tell (checked as user nobody)."""
    code = (
        "import os, sys; from wiresleuth.platform.net_namespace import same_network_namespace as s\n"
        "try: os.stat('/proc/1/ns/net'); print('readable')\n"
        "except PermissionError: print('denied')\n"
        "print(s(int(sys.argv[1])), s(1))"
    )
    done = subprocess.run(
        ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
         sys.executable, "-c", code, str(agent_elsewhere.pid)],
        capture_output=True, text=True, timeout=30, check=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2] / "desktop")},
    )  # fmt: skip
    assert done.stdout.split() == ["denied", "False", "True"]


@linux_only
def test_a_process_that_has_gone_cannot_be_told() -> None:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait(timeout=30)
    assert same_network_namespace(proc.pid) is None
