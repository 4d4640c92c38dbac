"""The only place this package touches the OS: read a file, run a command with a timeout.

Every OS failure becomes FactUnavailable naming the file or command and the reason, so a
caller can record "unavailable: <reason>" instead of crashing or silently guessing.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from wiresleuth.platform.unavailable import FactUnavailable

DEFAULT_TIMEOUT = 1.5
"""Seconds a command may run; system_info must finish in about two seconds overall."""


def read_text(path: str | Path) -> str:
    """The file's text (undecodable bytes replaced); FactUnavailable if it cannot be read."""
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise FactUnavailable(f"cannot read {path}: {exc.strerror or exc}") from exc


def _output_encoding() -> str:
    # Windows console programs (route, arp, ipconfig) write in the OEM code page.
    return "oem" if sys.platform == "win32" else "utf-8"


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    if sys.platform != "win32":
        # Parsers expect the untranslated output.
        env["LC_ALL"] = "C"
        env["LANG"] = "C"
    return env


def run_command(argv: Sequence[str], timeout: float = DEFAULT_TIMEOUT) -> str:
    """Run ``argv`` (no shell) and return its standard output as text.

    Raises FactUnavailable when the program is missing, is not allowed to run, exceeds
    ``timeout`` seconds (it is killed) or exits non-zero (the message quotes its stderr).
    """
    shown = " ".join(argv)
    try:
        done = subprocess.run(
            list(argv),
            capture_output=True,
            timeout=timeout,
            check=False,
            env=_environment(),
            stdin=subprocess.DEVNULL,
            creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
        )
    except FileNotFoundError as exc:
        raise FactUnavailable(f"{shown}: program not found") from exc
    except subprocess.TimeoutExpired as exc:
        raise FactUnavailable(f"{shown}: no answer within {timeout:g} s") from exc
    except OSError as exc:
        raise FactUnavailable(f"{shown}: cannot run: {exc.strerror or exc}") from exc
    encoding = _output_encoding()
    if done.returncode != 0:
        err = done.stderr.decode(encoding, errors="replace").strip().splitlines()
        reason = err[0] if err else "no message"
        raise FactUnavailable(f"{shown}: exit status {done.returncode}: {reason}")
    return done.stdout.decode(encoding, errors="replace")
