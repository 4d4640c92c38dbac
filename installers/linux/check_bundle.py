"""Checks a bundle written by the installed program in the smoke test (runs on the host).

Proves what the smoke test must prove about the frozen app beyond "a file appeared": the
bundle reads back, carries the program's version (the single source), holds a packet
capture (the capability grant works for a normal user), its HTML report has the stylesheet
(package data found at run time) and the run connected to the test server.
"""

from __future__ import annotations

import argparse
import sys
import zipfile
from pathlib import Path

import wiresleuth
from wiresleuth.bundle.reader import read_bundle
from wiresleuth.report.html import stylesheet


def problems(path: Path, *, want_capture: bool, port: int | None) -> list[str]:
    """What is wrong with the bundle (empty when it is as expected)."""
    bundle = read_bundle(path)
    found = []
    version = bundle.manifest.get("program_version")
    if version != wiresleuth.__version__:
        found.append(f"program_version {version!r}, expected {wiresleuth.__version__!r}")
    if want_capture and not bundle.has_capture:
        found.append(f"no capture in the bundle: {bundle.capture.reason}")
    with zipfile.ZipFile(path) as archive:
        html = archive.read("report.html").decode("utf-8")
    if stylesheet().strip()[:200] not in html:
        found.append("report.html lacks the packaged stylesheet (report.css)")
    if port is not None and not any(c.server_port == port for c in bundle.connections):
        seen = sorted({f"{c.server}:{c.server_port}" for c in bundle.connections})
        found.append(f"no connection to port {port} in the bundle (saw {seen})")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m installers.linux.check_bundle")
    parser.add_argument("bundle", type=Path)
    parser.add_argument("--want-capture", action="store_true")
    parser.add_argument("--port", type=int, help="server port the run must have connected to")
    args = parser.parse_args(argv)
    found = problems(args.bundle, want_capture=args.want_capture, port=args.port)
    for problem in found:
        print(f"bundle: {problem}", file=sys.stderr)
    if not found:
        bundle = read_bundle(args.bundle)
        print(
            f"bundle ok: version {bundle.manifest['program_version']}, "
            f"capture {'yes' if bundle.has_capture else 'no'}, {len(bundle.findings)} findings"
        )
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
