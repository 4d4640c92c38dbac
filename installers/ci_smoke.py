"""Smoke test of an installed or built program, the same on Windows, macOS and Linux (CI).

``python -m installers.ci_smoke --program PATH [--selfcheck PATH]``: ``--version`` must print
this source tree's version; the install self-check must pass; a headless run against a TLS
server on 127.0.0.1 must write a bundle that reads back with that version and a connection
to the server. The test CA is not made trusted (that would change the runner's trust store),
so the run may end with exit 1 and a certificate finding: exit 2 (could not run) fails.
Only loopback is contacted.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import trustme
from tests.probes.loopback_servers import LoopbackServer, tls_ok

import wiresleuth
from installers.linux.check_bundle import problems

PROFILE = """\
targets = []
[budgets]
run = 60
connect = 3
tls_handshake = 5
icmp = 1
"""


def run(command: list[str], timeout: float = 180) -> subprocess.CompletedProcess[str]:
    print("$", " ".join(command), flush=True)
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=timeout, env=env, check=False,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip
    print(done.stdout + done.stderr, flush=True)
    return done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m installers.ci_smoke")
    parser.add_argument("--program", type=Path, required=True, help="the installed wiresleuth")
    parser.add_argument("--selfcheck", type=Path, help="wiresleuth-selfcheck beside it")
    args = parser.parse_args(argv)
    failures = []
    shown = run([str(args.program), "--version"]).stdout.strip()
    if shown != f"WireSleuth {wiresleuth.__version__}":
        failures.append(f"--version printed {shown!r}")
    if args.selfcheck is not None and run([str(args.selfcheck)]).returncode != 0:
        failures.append("the self-check failed")
    with tempfile.TemporaryDirectory() as folder:
        profile, out = Path(folder) / "profile.toml", Path(folder) / "smoke.wsbundle"
        profile.write_text(PROFILE)
        ca = trustme.CA()
        with LoopbackServer(tls_ok(ca)) as server:
            done = run([
                str(args.program), "run", "--profile", str(profile),
                "--target", f"localhost:{server.port}", "--out", str(out), "--quiet",
            ])  # fmt: skip
        if done.returncode not in (0, 1) or not out.is_file():
            failures.append(f"the headless run exited {done.returncode} without a bundle")
        else:
            failures.extend(problems(out, want_capture=False, port=server.port))
    for failure in failures:
        print(f"FAIL {failure}", file=sys.stderr)
    print("smoke test", "FAILED" if failures else "passed")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
