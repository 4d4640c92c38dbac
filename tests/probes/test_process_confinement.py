"""Process confinement, applied in a fresh interpreter and checked from inside it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROGRAM = """
import json, os, sys, threading
from wiresleuth.probes.process_confinement import drop_privileges, limit_resources
notes = drop_privileges() + limit_resources(memory_mb=64, cpu_seconds=5)
out = {"notes": notes}
try:
    with open(sys.argv[1], "w") as handle:
        handle.write("x")
    out["write"] = "written"
except OSError as exc:
    out["write"] = exc.errno
try:
    bytearray(512 * 1024 * 1024)
    out["memory"] = "allocated"
except MemoryError:
    out["memory"] = "refused"
status = open("/proc/self/status").read()
out["status"] = {k: v.strip() for k, v in (l.split(":", 1) for l in status.splitlines())}
print(json.dumps(out))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="capabilities and /proc: Linux")
def test_no_capabilities_no_files_written_and_memory_capped(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM, str(tmp_path / "written.txt")],
        capture_output=True, text=True, timeout=60, check=False,
        env={"PYTHONPATH": os.pathsep.join(p for p in sys.path if p)},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["write"] == 27  # EFBIG: RLIMIT_FSIZE is 0 (Python ignores SIGXFSZ)
    assert out["memory"] == "refused"
    status = out["status"]
    for field in ("CapInh", "CapPrm", "CapEff", "CapAmb"):
        assert int(status[field], 16) == 0, field
    assert status["NoNewPrivs"] == "1"
    if os.geteuid() == 0:
        assert int(status["CapBnd"], 16) == 0 and out["notes"] == []
