"""Run the real program inside the ``client`` namespace, as root or as an unprivileged user.

"Without capture rights" is user nobody (``setpriv``, in no group): the capture helper
refuses it (not in its group, or no capability on a helper scripts/setup just built), so
the program must fall back to what its sockets see. Its bundle goes to a directory that
user can write and is moved to the requested path afterwards.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from wiresleuth.errors import LabError
from wiresleuth.lab.commands import in_ns
from wiresleuth.lab.pki import TrustBundles
from wiresleuth.lab.typed_input import Typist, terminal_argv

NOBODY = 65534
PUBLIC_BUNDLE_ENV = "WIRESLEUTH_PUBLIC_CA_BUNDLE"
GRACE = 30.0
"""Seconds beyond the profile's run budget before the program is killed."""


@dataclass(frozen=True, kw_only=True)
class ClientResult:
    """How one run of the program ended."""

    exit_code: int | None
    """Its exit code; None when it had to be killed."""
    seconds: float
    """Wall time of the run."""
    bundle: Path
    """Where its bundle is (it may not exist if the program failed)."""
    output: Path
    """Its stdout and stderr."""


def program_argv(
    profile: Path, out: Path, extra: Sequence[str] = (), *, command: Sequence[str] = ("run",)
) -> list[str]:
    """The program's own command line (the same one an engineer types); ``command`` is
    ``run``, or ``watch --every N --for M``."""
    return [
        sys.executable, "-m", "wiresleuth", *command, "--profile", str(profile),
        "--out", str(out), *extra,
    ]  # fmt: skip


def _env(
    bundles: TrustBundles, home: Path | None, settings: Mapping[str, str]
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    # the proxy-path wizard reads *_proxy: the host's own settings must not leak into a lab
    env = {k: v for k, v in env.items() if not k.lower().endswith("_proxy")}
    env["SSL_CERT_FILE"] = str(bundles.os_trust)
    env[PUBLIC_BUNDLE_ENV] = str(bundles.public)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    if home is not None:
        env["HOME"] = str(home)
    env.update(settings)  # the scenario's OS proxy configuration (client_settings)
    return env


def run_client(
    client_ns: str,
    *,
    profile: Path,
    out: Path,
    bundles: TrustBundles,
    capture: bool,
    timeout: float,
    output: Path,
    extra_args: Sequence[str] = (),
    typed: str | None = None,
    settings: Mapping[str, str] | None = None,
    command: Sequence[str] = ("run",),
) -> ClientResult:
    """Run ``wiresleuth run`` in the client namespace and wait at most ``timeout`` seconds.

    ``typed`` is typed at the program's password prompt through a pseudo-terminal;
    ``settings`` is the environment that shows the scenario's OS proxy configuration.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    out.unlink(missing_ok=True)
    workdir: Path | None = None
    if capture:
        argv = in_ns(client_ns, program_argv(profile, out, extra_args, command=command))
        env = _env(bundles, None, settings or {})
        written = out
    else:
        workdir = Path(tempfile.mkdtemp(prefix="wiresleuth-lab-nobody-"))
        os.chown(workdir, NOBODY, NOBODY)
        os.chmod(workdir, 0o700)
        written = workdir / out.name
        setpriv = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
        argv = in_ns(client_ns, [*setpriv, *program_argv(profile, written, extra_args, command=command)])
        env = _env(bundles, workdir, settings or {})
    typist = Typist(typed) if typed is not None else None
    if typist is not None:
        argv = terminal_argv(argv)
    started = time.monotonic()
    try:
        with output.open("wb") as log:
            try:
                proc = subprocess.Popen(
                    argv,
                    stdin=subprocess.DEVNULL if typist is None else typist.slave,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    env=env,
                    cwd=workdir or out.parent,
                    start_new_session=typist is None,  # setsid --ctty makes the session
                )
            except OSError as exc:
                raise LabError(f"cannot start the program: {exc}") from exc
            if typist is not None:
                typist.start()
            code: int | None
            try:
                code = proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                _kill(proc)
                code = None
            except BaseException:  # Ctrl-C or SIGTERM: the program must not outlive the lab
                _kill(proc)
                raise
        seconds = time.monotonic() - started
        if workdir is not None and written.exists():
            shutil.move(str(written), out)
    finally:
        if typist is not None:
            typist.close()
        if workdir is not None:
            shutil.rmtree(workdir, ignore_errors=True)
    return ClientResult(exit_code=code, seconds=seconds, bundle=out, output=output)


def _kill(proc: subprocess.Popen[bytes]) -> None:
    """Kill the program's process group and reap it (bounded)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=5.0)
