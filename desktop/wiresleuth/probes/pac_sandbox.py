"""Evaluate a PAC script in a child process with a time and a memory limit.

dukpy cannot be interrupted (it holds the GIL), so the script runs in a spawned process
that is killed at its deadline; the event loop only polls, so the program stays responsive.
The clock starts when the child says it is ready (Python and pypac loaded), so a slow start
on a busy machine is not blamed on the script. Memory: the child caps its own address space
(POSIX) and the parent kills it when its resident size passes the limit (every OS).
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import time
from collections.abc import Sequence
from typing import Any

import psutil

from wiresleuth.model.pac_observations import (
    PacDecisionObservation,
    PacEvaluationObservation,
    PacLookupObservation,
)
from wiresleuth.probes.pac_sandbox_child import run_child

MAX_SCRIPT_BYTES = 1024 * 1024
"""Larger scripts are refused unread, like Chromium (``kDefaultMaxResponseBytes``, 1 MiB)."""
TIME_LIMIT = 3.0
"""Seconds a script may run for all targets together."""
MEMORY_LIMIT_MB = 512
"""Address-space cap of the child (QuickJS then fails with "out of memory") and RSS bound."""
START_LIMIT = 20.0
"""Seconds the child may take to start (spawn, import pypac/dukpy) before we give up."""
_POLL = 0.02


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
    )


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
) -> PacEvaluationObservation:
    """Validate ``script`` and call FindProxyForURL(url, host) for each target.

    ``resolver`` sends the script's DNS lookups to one server (host, port) instead of the
    system resolver. Never raises for what the script does; the outcome says it.

    The child is started by spawning a fresh interpreter; where that interpreter cannot be
    executed again (it lives in a directory this user may not search, as a venv under
    /root run by an unprivileged user), it is forked instead (POSIX). pypac is imported
    before forking, so the child does not need the import lock.
    """
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
    request = {
        "script": script,
        "targets": [list(t) for t in targets],
        "my_ip": my_ip,
        "resolver": list(resolver) if resolver else None,
        "memory_limit_mb": memory_limit_mb,
    }
    methods = ["spawn"]
    if "fork" in multiprocessing.get_all_start_methods():
        methods.append("fork")
    result: PacEvaluationObservation | None = None
    for method in methods:
        if method == "fork":
            import dukpy  # noqa: F401  (loaded before fork: the child needs no import lock)
            import pypac.parser  # noqa: F401
        result, started_ok = await _run_child(method, request, started, common)
        if started_ok:
            break
    assert result is not None
    return result


async def _run_child(
    method: str, request: dict[str, Any], started: float, common: dict[str, Any]
) -> tuple[PacEvaluationObservation, bool]:
    """One attempt with one start method; the bool says whether the child came up."""
    time_limit = float(common["time_limit"])
    memory_limit_mb = int(common["memory_limit_mb"])
    context: Any = multiprocessing.get_context(method)
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=run_child, args=(sender, request), daemon=True)
    peak: float | None = None
    baseline: float | None = None

    def done(outcome: str, ok: bool = True, **kw: Any) -> tuple[PacEvaluationObservation, bool]:
        return _finish(outcome, started, sandbox=method, peak=peak, **kw, **common), ok

    try:
        process.start()
    except (OSError, RuntimeError) as exc:  # e.g. an entry point without the __main__ guard
        sender.close()
        receiver.close()
        return done("unavailable", False, error=f"cannot start the evaluator: {exc}")
    try:
        sender.close()
        deadline = time.monotonic() + START_LIMIT
        ready = False
        while True:
            if receiver.poll():
                try:
                    kind, payload = receiver.recv()
                except EOFError:
                    return done("crashed", ready, error=_died(process))
                if kind == "ready" and not ready:
                    ready = True
                    deadline = time.monotonic() + time_limit
                    baseline = _rss_mb(process.pid)
                    continue
                return done(kind, payload=payload)
            rss = _rss_mb(process.pid)
            if rss is not None:
                peak = max(peak or 0.0, rss)
                grown = rss - (baseline or 0.0)
                if ready and grown > memory_limit_mb:
                    return done(
                        "memory",
                        error=f"the script grew the evaluator by {grown:.0f} MiB, past the "
                        f"{memory_limit_mb} MiB limit",
                    )
            if not process.is_alive() and not receiver.poll():
                return done("crashed", ready, error=_died(process))
            if time.monotonic() >= deadline:
                if not ready:
                    return done(
                        "unavailable",
                        False,
                        error=f"the evaluator did not start within {START_LIMIT:g} s",
                    )
                return done("timeout", error=f"still running after {time_limit:g} s: stopped")
            await asyncio.sleep(_POLL)
    finally:
        _stop(process)
        receiver.close()


def _died(process: Any) -> str:
    code = process.exitcode
    return f"the evaluator process ended without an answer (exit code {code})"


def _stop(process: Any) -> None:
    """Kill the child if it still runs and reap it (bounded)."""
    with contextlib.suppress(ValueError, AttributeError, OSError):
        if process.is_alive():
            process.kill()
        process.join(2.0)
