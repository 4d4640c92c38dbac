"""The lab's process table: start daemons in namespaces, record them, stop them with a deadline.

Each process gets its own session (so a terminal's Ctrl-C reaches only the runner, which
then tears down in order) and is recorded in ``processes.json`` in the state directory with
its kernel start time, so that ``lab down`` after a crash stops exactly these processes and
never a later process that happens to reuse a pid.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from wiresleuth.errors import LabError
from wiresleuth.lab.commands import in_ns

TABLE_FILE = "processes.json"
STOP_TIMEOUT = 3.0
"""Seconds a process gets to exit after SIGTERM before SIGKILL."""


@dataclass(frozen=True, kw_only=True)
class LabProcess:
    """One recorded lab process."""

    name: str
    """Unique name within the lab (``dns``, ``squid``, ``server-www.lab.test``...)."""
    ns: str
    """The namespace it runs in."""
    pid: int
    """Its pid (also its process group id: each has its own session)."""
    start_ticks: int
    """Kernel start time from /proc/<pid>/stat: tells a recycled pid apart."""
    argv: tuple[str, ...]
    """The command line, for the log and the engineer."""
    log: str
    """Path of the file holding its stdout and stderr."""


def start_ticks(pid: int) -> int | None:
    """The kernel start time of a live (non-zombie) process, None when it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    if fields[0] in ("Z", "X"):
        return None
    return int(fields[19])


def _alive(proc: LabProcess) -> bool:
    return start_ticks(proc.pid) == proc.start_ticks


def _signal_group(proc: LabProcess, sig: signal.Signals) -> None:
    if not _alive(proc):
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, sig)


def stop_processes(procs: list[LabProcess], *, timeout: float = STOP_TIMEOUT) -> list[str]:
    """SIGTERM every process group at once, wait at most ``timeout``, SIGKILL the rest.

    Stopping in parallel keeps teardown as short as the slowest process (Squid needs ~2 s
    even with shutdown_lifetime 0). Returns the processes that would not stop, in words.
    """
    left = list(procs)
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 2.0)):
        for proc in left:
            _signal_group(proc, sig)
        deadline = time.monotonic() + wait
        while left and time.monotonic() < deadline:
            for proc in left:
                with contextlib.suppress(ChildProcessError):
                    os.waitpid(proc.pid, os.WNOHANG)
            left = [proc for proc in left if _alive(proc)]
            if left:
                time.sleep(0.02)
        if not left:
            return []
    return [f"process {p.name} (pid {p.pid}) would not stop" for p in left]


def stop_process(proc: LabProcess, *, timeout: float = STOP_TIMEOUT) -> None:
    """Stop one process (see ``stop_processes``); LabError if it would not stop."""
    errors = stop_processes([proc], timeout=timeout)
    if errors:
        raise LabError(errors[0])


class ProcessTable:
    """Processes of one lab, persisted in its state directory."""

    def __init__(self, state_dir: Path) -> None:
        self._state_dir = state_dir
        self._path = state_dir / TABLE_FILE
        self._procs: dict[str, LabProcess] = {p.name: p for p in read_table(state_dir)}
        self._popens: dict[str, subprocess.Popen[bytes]] = {}

    def spawn(
        self,
        name: str,
        ns: str,
        argv: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
    ) -> LabProcess:
        """Start ``argv`` inside ``ns`` (its own session, output to a log) and record it."""
        if name in self._procs and _alive(self._procs[name]):
            raise LabError(f"lab process {name!r} is already running")
        logs = self._state_dir / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        log_path = logs / f"{name}.log"
        full_env = dict(os.environ)
        full_env.update(env or {})
        with log_path.open("ab") as log:
            try:
                popen = subprocess.Popen(
                    in_ns(ns, argv),
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    env=full_env,
                    start_new_session=True,
                )
            except OSError as exc:
                raise LabError(f"cannot start {name}: {exc}") from exc
        ticks = start_ticks(popen.pid) or 0
        proc = LabProcess(
            name=name, ns=ns, pid=popen.pid, start_ticks=ticks, argv=tuple(argv), log=str(log_path)
        )
        self._procs[name] = proc
        self._popens[name] = popen
        self._save()
        return proc

    def get(self, name: str) -> LabProcess:
        """The recorded process of that name."""
        return self._procs[name]

    def running(self, name: str) -> bool:
        """Whether the named process is still alive."""
        popen = self._popens.get(name)
        if popen is not None:
            return popen.poll() is None
        proc = self._procs.get(name)
        return proc is not None and _alive(proc)

    def ensure_running(self, name: str) -> None:
        """LabError quoting the end of its log when the named process has exited."""
        if not self.running(name):
            raise LabError(f"{name} exited early: {log_tail(Path(self._procs[name].log))}")

    def stop(self, name: str, *, timeout: float = STOP_TIMEOUT) -> None:
        """Stop one process and forget it."""
        proc = self._procs.pop(name, None)
        popen = self._popens.pop(name, None)
        if proc is not None:
            stop_process(proc, timeout=timeout)
        if popen is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                popen.wait(timeout=1.0)
        self._save()

    def stop_all(self, *, timeout: float = STOP_TIMEOUT) -> list[str]:
        """Stop every process at once; return the errors instead of raising."""
        errors = stop_processes(list(self._procs.values()), timeout=timeout)
        for popen in self._popens.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                popen.wait(timeout=1.0)
        self._procs.clear()
        self._popens.clear()
        self._save()
        return errors

    def _save(self) -> None:
        data = [asdict(p) for p in self._procs.values()]
        tmp = self._path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=1))
        tmp.replace(self._path)


def read_table(state_dir: Path) -> list[LabProcess]:
    """The processes recorded in a state directory (empty when there is none)."""
    try:
        raw = json.loads((state_dir / TABLE_FILE).read_text())
    except (OSError, ValueError):
        return []
    procs = []
    for item in raw:
        try:
            item["argv"] = tuple(item["argv"])
            procs.append(LabProcess(**item))
        except (TypeError, KeyError):
            continue
    return procs


def log_tail(path: Path, *, lines: int = 8) -> str:
    """The last lines of a log, joined for an error message."""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no log)"
    tail = [line for line in text.splitlines() if line.strip()][-lines:]
    return " | ".join(tail) if tail else "(empty log)"
