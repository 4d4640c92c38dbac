"""Evaluate a PAC script in a confined child process with a time and a memory limit.

dukpy cannot be interrupted (it holds the GIL), so the script runs in a child process that
is killed at its deadline; the event loop only polls, so the program stays responsive.
The clock starts when the child says it is ready (confined, libraries loaded, script
read), so a slow start on a busy machine is not blamed on the script. Memory: the child
caps its own address space (POSIX) and the parent kills it when its resident size grows
past the limit (every OS).

The child is a fresh interpreter started with an empty environment (``spawn``): the
program's own environment holds tokens and proxy passwords, and a hostile PAC must find
none of them, neither in ``process.env`` (which our interpreter does not offer anyway) nor
in ``/proc/<pid>/environ``. From source it is ``python -I -S -B -c`` with this program's
import path; in the frozen app, the app itself with ``CHILD_ARGUMENT`` (installers/entry.py).
Where that executable cannot be run again (a venv under /root run by an unprivileged user),
the child is forked instead (POSIX; ``sandbox = "fork"``; see ``pac_sandbox_child``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Callable, Sequence
from typing import IO, Any

import psutil

from wiresleuth.model.pac_observations import (
    PacDecisionObservation,
    PacEvaluationObservation,
    PacLookupObservation,
)
from wiresleuth.probes.pac_sandbox_child import CHILD_ARGUMENT

log = logging.getLogger(__name__)

MAX_SCRIPT_BYTES = 1024 * 1024
"""Larger scripts are refused unread, like Chromium (``kDefaultMaxResponseBytes``, 1 MiB)."""
TIME_LIMIT = 3.0
"""Seconds a script may run for all targets together."""
MEMORY_LIMIT_MB = 512
"""Address-space cap of the child (QuickJS then fails with "out of memory") and RSS bound."""
START_LIMIT = 20.0
"""Seconds the child may take to start (exec, imports, reading the script) before we give up."""
ANSWER_LIMIT = 16 * 1024 * 1024
"""Largest message the child may send (decisions and lookups of every target)."""
START_METHODS = ("spawn", "fork")
"""Tried in this order; ``fork`` only where the OS has it."""
_POLL = 0.02
_STDERR_TAIL = 4096
_BOOTSTRAP = (
    "import json, sys; sys.path[:] = json.loads(sys.argv[1]); "
    "from wiresleuth.probes.pac_sandbox_child import main; sys.exit(main())"
)


def child_command() -> list[str]:
    """The command line of a spawned evaluator: this program, confined to that one job.

    ``-I`` ignores PYTHON* variables and the user's site folder, ``-S`` runs no ``.pth``
    file, ``-B`` writes no bytecode; the import path is this process's, passed explicitly.
    """
    from wiresleuth.resources import is_frozen

    if is_frozen():
        return [sys.executable, CHILD_ARGUMENT]
    paths = [os.path.abspath(p or os.curdir) for p in sys.path]
    return [sys.executable, "-I", "-S", "-B", "-c", _BOOTSTRAP, json.dumps(paths)]


def child_environment() -> dict[str, str]:
    """Empty; Windows only gets SYSTEMROOT, without which Python cannot start there."""
    if sys.platform == "win32":
        return {"SYSTEMROOT": os.environ.get("SYSTEMROOT", r"C:\Windows")}
    return {}


class _Child:
    """A running evaluator: its pipes, and how to tell whether it lives and to end it."""

    def __init__(
        self,
        method: str,
        pid: int,
        stdin: IO[bytes],
        stdout: IO[bytes],
        stderr: IO[bytes],
        popen: subprocess.Popen[bytes] | None = None,
    ) -> None:
        self.method = method
        self.pid = pid
        self.stdin = stdin
        self.stdout = stdout
        self.stderr = stderr
        self._popen = popen
        self.exit_code: int | None = None

    def alive(self) -> bool:
        if self.exit_code is not None:
            return False
        if self._popen is not None:
            self.exit_code = self._popen.poll()
            return self.exit_code is None
        try:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
        except ChildProcessError:
            self.exit_code = -1
            return False
        if pid == 0:
            return True
        self.exit_code = os.waitstatus_to_exitcode(status)
        return False

    def kill(self) -> None:
        """Kill it if it still runs (without waiting for it to end)."""
        if self.alive():
            try:
                if self._popen is not None:
                    self._popen.kill()
                else:
                    os.kill(self.pid, signal.SIGKILL)
            except OSError:
                pass

    def stop(self) -> None:
        """Kill it if it still runs and reap it (bounded: a killed process ends at once)."""
        self.kill()
        deadline = time.monotonic() + 2.0
        while self.alive() and time.monotonic() < deadline:
            time.sleep(0.01)


def _spawn() -> _Child:
    popen = subprocess.Popen(
        child_command(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=child_environment(),
        cwd=os.path.abspath(os.sep),
        close_fds=True,
        # the terminal's Ctrl-C is the parent's to handle: it then stops the child itself
        start_new_session=os.name == "posix",
        creationflags=getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0),
    )
    assert popen.stdin is not None and popen.stdout is not None and popen.stderr is not None
    return _Child("spawn", popen.pid, popen.stdin, popen.stdout, popen.stderr, popen)


def _fork() -> _Child:
    from wiresleuth.probes.pac_sandbox_child import preload, serve_forked

    preload()
    request_r, request_w = os.pipe()
    answer_r, answer_w = os.pipe()
    error_r, error_w = os.pipe()
    try:
        with warnings.catch_warnings():
            # Python 3.12+ warns that a fork of a threaded process may deadlock the child;
            # this child takes no lock: everything it imports is loaded (preload) above.
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
    except OSError:
        for fd in (request_r, request_w, answer_r, answer_w, error_r, error_w):
            os.close(fd)
        raise
    if pid == 0:  # pragma: no cover (the child never returns)
        serve_forked(request_r, answer_w, error_w)
    for fd in (request_r, answer_w, error_w):
        os.close(fd)
    return _Child(
        "fork",
        pid,
        os.fdopen(request_w, "wb"),
        os.fdopen(answer_r, "rb"),
        os.fdopen(error_r, "rb"),
    )


def _start(method: str) -> _Child:
    return _spawn() if method == "spawn" else _fork()


class Prestarted:
    """An evaluator started before its script is known: the child loads its libraries while
    the PAC is being fetched (its time limit still starts when it has read the script)."""

    def __init__(self) -> None:
        self.child: _Child | None = None
        try:
            self.child = _spawn()
        except OSError as exc:  # evaluate_pac then tries every start method itself
            log.info("PAC evaluator not started ahead: %s", exc)

    def take(self) -> _Child | None:
        """The child, once: whoever takes it stops it."""
        child, self.child = self.child, None
        return child

    def close(self) -> None:
        """Stop the child if nobody took it (no script to run after all)."""
        child = self.take()
        if child is not None:
            for pipe in (child.stdin, child.stdout, child.stderr):
                _close(pipe)
            child.stop()


class _Pipes:
    """Threads that write the request and read the answers, so the event loop never blocks
    on a pipe; they end when the child's pipes close."""

    def __init__(
        self, child: _Child, request: bytes, wake: Callable[[], None] = lambda: None
    ) -> None:
        self.messages: queue.Queue[tuple[str, Any]] = queue.Queue()
        self._wake = wake
        """Called (from a reader thread) after each message: the waiting loop looks at once."""
        self._tail = bytearray()
        self._threads = [
            threading.Thread(target=self._write, args=(child.stdin, request), daemon=True),
            threading.Thread(target=self._read, args=(child.stdout,), daemon=True),
            threading.Thread(target=self._errors, args=(child.stderr,), daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    @staticmethod
    def _write(pipe: IO[bytes], data: bytes) -> None:
        try:
            pipe.write(data)
        except (OSError, ValueError):  # the child died or was killed first
            pass
        finally:
            _close(pipe)

    def _read(self, pipe: IO[bytes]) -> None:
        try:
            self._put(self._messages(pipe))
        finally:
            _close(pipe)

    def _put(self, message: tuple[str, Any]) -> None:
        self.messages.put(message)
        self._wake()

    def _messages(self, pipe: IO[bytes]) -> tuple[str, Any]:
        """Queue each message; return how the stream ended (eof, too_long, garbled)."""
        try:
            while line := pipe.readline(ANSWER_LIMIT + 1):
                if len(line) > ANSWER_LIMIT:
                    return ("too_long", None)
                try:
                    kind, payload = json.loads(line)
                except ValueError:
                    return ("garbled", None)
                self._put((str(kind), payload))
        except (OSError, ValueError):
            pass
        return ("eof", None)

    def _errors(self, pipe: IO[bytes]) -> None:
        try:
            while chunk := pipe.read1(65536):  # type: ignore[attr-defined]
                self._tail += chunk
                del self._tail[:-_STDERR_TAIL]
        except (OSError, ValueError):
            pass
        finally:
            _close(pipe)

    def last_error_line(self) -> str:
        lines = bytes(self._tail).decode("utf-8", errors="replace").strip().splitlines()
        return lines[-1] if lines else ""

    def join(self) -> None:
        for thread in self._threads:
            thread.join(1.0)


def _close(pipe: IO[bytes]) -> None:
    with contextlib.suppress(OSError, ValueError):
        pipe.close()


def _finish(
    outcome: str,
    started: float,
    *,
    time_limit: float,
    memory_limit_mb: int,
    script: str,
    my_ip: str,
    error: str | None = None,
    payload: dict[str, Any] | None = None,
    peak: float | None = None,
    sandbox: str = "",
    limit_from: float | None = None,
    cpu_seconds: float | None = None,
) -> PacEvaluationObservation:
    payload = payload or {}
    return PacEvaluationObservation(
        outcome=outcome,
        elapsed=time.monotonic() - started,
        time_limit=time_limit,
        memory_limit_mb=memory_limit_mb,
        script_bytes=len(script.encode("utf-8", errors="replace")),
        my_ip=my_ip,
        error=error or payload.get("error"),
        decisions=tuple(
            PacDecisionObservation(
                url=d["url"], host=d["host"], result=d["result"], error=d["error"]
            )
            for d in payload.get("decisions", ())
        ),
        lookups=tuple(
            PacLookupObservation(name=x["name"], address=x["address"], elapsed=x["elapsed"])
            for x in payload.get("lookups", ())
        ),
        peak_rss_mb=peak,
        sandbox=sandbox,
        started_at=limit_from,
        ended_at=time.time() if limit_from is not None else None,
        cpu_seconds=cpu_seconds,
    )


def _cpu_seconds(pid: int | None) -> float | None:
    """CPU seconds (user and system) the process has used so far; None where unreadable."""
    if pid is None:
        return None
    try:
        times = psutil.Process(pid).cpu_times()
    except (psutil.Error, OSError):
        return None
    return float(times.user + times.system)


def _rss_mb(pid: int | None) -> float | None:
    if pid is None:
        return None
    try:
        return float(psutil.Process(pid).memory_info().rss) / (1024 * 1024)
    except (psutil.Error, OSError):
        return None


async def evaluate_pac(
    script: str,
    targets: Sequence[tuple[str, str]],
    *,
    my_ip: str,
    time_limit: float = TIME_LIMIT,
    memory_limit_mb: int = MEMORY_LIMIT_MB,
    resolver: tuple[str, int] | None = None,
    max_bytes: int = MAX_SCRIPT_BYTES,
    methods: Sequence[str] = START_METHODS,
    prestarted: Prestarted | None = None,
) -> PacEvaluationObservation:
    """Validate ``script`` and call FindProxyForURL(url, host) for each target.

    ``resolver`` sends the script's DNS lookups to one server (host, port) instead of the
    system resolver. ``methods`` are the ways to start the child, tried in order until one
    comes up (``fork`` is skipped where the OS has none); ``prestarted`` (a spawned child
    already loading) is used for the ``spawn`` method. Never raises for what the script
    does; the outcome says it.
    """
    try:
        return await _evaluate(
            script, targets, my_ip=my_ip, time_limit=time_limit,
            memory_limit_mb=memory_limit_mb, resolver=resolver, max_bytes=max_bytes,
            methods=methods, prestarted=prestarted,
        )  # fmt: skip
    finally:
        if prestarted is not None:
            prestarted.close()


async def _evaluate(
    script: str,
    targets: Sequence[tuple[str, str]],
    *,
    my_ip: str,
    time_limit: float,
    memory_limit_mb: int,
    resolver: tuple[str, int] | None,
    max_bytes: int,
    methods: Sequence[str],
    prestarted: Prestarted | None,
) -> PacEvaluationObservation:
    started = time.monotonic()
    common: dict[str, Any] = {
        "time_limit": time_limit,
        "memory_limit_mb": memory_limit_mb,
        "script": script,
        "my_ip": my_ip,
    }
    size = len(script.encode("utf-8", errors="replace"))
    if size > max_bytes:
        return _finish(
            "too_large",
            started,
            error=f"{size} bytes: more than the {max_bytes}-byte limit browsers apply",
            **common,
        )
    request = json.dumps(
        {
            "script": script,
            "targets": [list(t) for t in targets],
            "my_ip": my_ip,
            "resolver": list(resolver) if resolver else None,
            "memory_limit_mb": memory_limit_mb,
            "cpu_seconds": time_limit + 2.0,
        }
    ).encode("utf-8")
    unknown = set(methods) - set(START_METHODS)
    if unknown:
        raise ValueError(f"unknown start methods: {sorted(unknown)}")
    usable = [m for m in methods if m != "fork" or hasattr(os, "fork")]
    result = _finish("unavailable", started, error="no way to start the evaluator", **common)
    for method in usable:
        ready = prestarted.take() if prestarted is not None and method == "spawn" else None
        result, started_ok = await _run_child(method, request, started, common, ready)
        if started_ok:
            break
    return result


async def _run_child(
    method: str,
    request: bytes,
    started: float,
    common: dict[str, Any],
    prestarted: _Child | None = None,
) -> tuple[PacEvaluationObservation, bool]:
    """One attempt with one start method; the bool says whether the child came up."""
    time_limit = float(common["time_limit"])
    memory_limit_mb = int(common["memory_limit_mb"])
    peak: float | None = None
    baseline: float | None = None
    limit_from: float | None = None  # epoch: the time limit's start (the analysis reads
    # the run's stalls in its window, ``analysis.stopped_waits``)
    cpu_from: float | None = None  # the child's CPU seconds then: did it run through a stall?

    def done(outcome: str, ok: bool = True, **kw: Any) -> tuple[PacEvaluationObservation, bool]:
        return _finish(
            outcome, started, sandbox=method, peak=peak, limit_from=limit_from, **kw, **common
        ), ok

    try:
        child = prestarted if prestarted is not None else _start(method)
    except OSError as exc:  # e.g. this interpreter may not be executed by this user
        return done("unavailable", False, error=f"cannot start the evaluator ({method}): {exc}")
    loop = asyncio.get_running_loop()
    arrived = asyncio.Event()

    def wake() -> None:
        with contextlib.suppress(RuntimeError):  # the loop closed: nobody waits any more
            loop.call_soon_threadsafe(arrived.set)

    pipes = _Pipes(child, request, wake)
    try:
        deadline = time.monotonic() + START_LIMIT
        ready = False
        while True:
            arrived.clear()  # before looking: a message put after the look wakes the wait
            try:
                kind, payload = pipes.messages.get_nowait()
            except queue.Empty:
                kind, payload = "", None
            if kind == "ready" and not ready:
                ready = True
                notes = payload.get("notes", []) if isinstance(payload, dict) else []
                for note in notes:
                    log.info("PAC evaluator (%s): not confined as planned: %s", method, note)
                deadline = time.monotonic() + time_limit
                limit_from = time.time()
                cpu_from = _cpu_seconds(child.pid)
                baseline = _rss_mb(child.pid)
                continue
            if kind in ("eof", "too_long", "garbled"):
                child.stop()
                return done("crashed", ready, error=_died(child, kind, pipes))
            if kind:
                return done(kind, payload=payload if isinstance(payload, dict) else None)
            rss = _rss_mb(child.pid)
            if rss is not None:
                peak = max(peak or 0.0, rss)
                grown = rss - (baseline or 0.0)
                if ready and grown > memory_limit_mb:
                    return done(
                        "memory",
                        error=f"the script grew the evaluator by {grown:.0f} MiB, past the "
                        f"{memory_limit_mb} MiB limit",
                    )
            if time.monotonic() >= deadline:
                if not ready:
                    return done(
                        "unavailable",
                        False,
                        error=f"the evaluator did not start within {START_LIMIT:g} s",
                    )
                cpu = _cpu_seconds(child.pid)
                used = cpu - cpu_from if cpu is not None and cpu_from is not None else None
                return done(
                    "timeout", error=f"still running after {time_limit:g} s: stopped",
                    cpu_seconds=used,
                )  # fmt: skip
            # a message wakes this at once (polling alone made each answer wait up to 20 ms);
            # the memory and the time limit are looked at every _POLL s
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    arrived.wait(), min(_POLL, max(deadline - time.monotonic(), 0))
                )
    finally:
        # Killed at once, reaped (and its pipes' threads joined) off the event loop: waiting
        # here for the kill to land, in steps of 10 ms, held the loop, and with it every
        # wizard that waits for the PAC's answer. The run's end waits for the thread pool.
        child.kill()
        loop.run_in_executor(None, _reap, child, pipes)


def _reap(child: _Child, pipes: _Pipes) -> None:
    child.stop()
    pipes.join()


def _died(child: _Child, kind: str, pipes: _Pipes) -> str:
    if kind == "too_long":
        return f"the evaluator's answer was longer than {ANSWER_LIMIT} bytes: refused"
    if kind == "garbled":
        return "the evaluator's answer was not readable"
    text = f"the evaluator process ended without an answer (exit code {child.exit_code})"
    last = pipes.last_error_line()
    return f"{text}: {last}" if last else text
