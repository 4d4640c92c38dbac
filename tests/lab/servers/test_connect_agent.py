"""The agent's process rename, checked on a child process (Linux)."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux")


def test_set_process_name_shows_in_proc() -> None:
    code = (
        "from wiresleuth.lab.servers.connect_agent import set_process_name;"
        "assert set_process_name('ds_agent');"
        "print(open('/proc/self/comm').read().strip())"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=True
    )
    assert done.stdout.strip() == "ds_agent"
