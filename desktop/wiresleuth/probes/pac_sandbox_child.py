"""The child side of the PAC sandbox: confine itself, evaluate one PAC script, report, exit.

The script comes from the network, so it runs in its own process, which the parent kills
at its deadline (dukpy holds the GIL and cannot be interrupted: ``while(true){}`` would
freeze any thread of the program). Before it reads the script, the child gives up every
capability and the right to gain one, then caps its address space (a script that eats
memory fails inside JavaScript with "out of memory"), its CPU time (a backstop to the
parent's kill), files it may write (none), descriptors and processes. The script itself
runs in ``RestrictedInterpreter``: no environment, no files, no modules, only the PAC
functions.

Protocol: one JSON request on the request descriptor (the parent closes it after
writing); JSON lines on the answer descriptor: ``["ready", null]`` once confined and
loaded, then ``[kind, payload]`` with kind ``ok``, ``invalid``, ``memory`` or ``crashed``.

How it starts (``wiresleuth.probes.pac_sandbox``): normally as a fresh interpreter with an
EMPTY environment (``main``), so neither ``os.environ`` nor ``/proc/<pid>/environ`` holds a
token or a proxy password. Where the interpreter cannot be executed again, as a fork
(``serve_forked``): that child clears ``os.environ`` and zeroes the kernel's copy of the
environment as its first acts, but it is not equivalent to a fresh start: the rest of the
parent's memory (where the environment was copied to, typed passwords) is still mapped in
the child. What keeps the script from it there is the interpreter confinement alone (no
JavaScript can read process memory); the fork is the fallback, and its observation says
``sandbox = "fork"``.
"""

from __future__ import annotations

import json
import os
from typing import Any

CHILD_ARGUMENT = "--wiresleuth-pac-sandbox-child"
"""The frozen app's only argument when it is started as this child (installers/entry.py)."""


def _send(answer: Any, kind: str, payload: Any) -> None:
    answer.write(json.dumps([kind, payload]) + "\n")
    answer.flush()


def _read_all(fd: int) -> bytes:
    chunks: list[bytes] = []
    while True:
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def preload() -> None:
    """Import what the child uses: before its memory cap (loading maps memory), and in the
    parent before a fork (a forked child must not need the import machinery's locks)."""
    import ctypes  # noqa: F401
    import ipaddress  # noqa: F401

    import dns.exception
    import dns.resolver  # noqa: F401
    import dukpy  # noqa: F401
    import psutil  # noqa: F401
    import pypac.parser_functions
    import pypac.parser_functions_ex  # noqa: F401

    import wiresleuth.probes.pac_functions
    import wiresleuth.probes.pac_interpreter  # noqa: F401

    if os.name == "posix":
        import fcntl  # noqa: F401
        import resource  # noqa: F401


def serve(request_fd: int, answer: Any) -> None:
    """Confine this process, read the request, answer; never raises."""
    from wiresleuth.probes.process_confinement import drop_privileges, limit_resources

    notes = drop_privileges()
    lookups: list[dict[str, Any]] = []
    try:
        preload()
        from wiresleuth.probes.pac_functions import pac_functions, recording_resolver
        from wiresleuth.probes.pac_interpreter import JSRuntimeError, PacScript

        request = json.loads(_read_all(request_fd).decode("utf-8"))
        os.close(request_fd)
        server = request.get("resolver")
        resolve = recording_resolver(tuple(server) if server else None, lookups)
        functions = pac_functions(my_ip=str(request["my_ip"]), resolve=resolve)
        notes += limit_resources(
            memory_mb=int(request["memory_limit_mb"]), cpu_seconds=float(request["cpu_seconds"])
        )
        _send(answer, "ready", {"notes": notes})
        try:
            pac = PacScript(request["script"], functions)
        except JSRuntimeError as exc:
            message = str(exc)
            kind = "memory" if "out of memory" in message else "invalid"
            _send(answer, kind, {"error": message, "lookups": lookups})
            return
        decisions = []
        for url, host in request["targets"]:
            try:
                result = pac.find_proxy_for_url(url, host)
            except JSRuntimeError as exc:
                decisions.append({"url": url, "host": host, "result": None, "error": str(exc)})
            else:
                decisions.append({"url": url, "host": host, "result": str(result), "error": None})
        _send(answer, "ok", {"decisions": decisions, "lookups": lookups})
    except MemoryError:
        _send(
            answer, "memory", {"error": "the script exhausted the memory limit", "lookups": lookups}
        )
    except Exception as exc:  # the child reports whatever broke; the parent decides
        _send(answer, "crashed", {"error": f"{type(exc).__name__}: {exc}", "lookups": lookups})


def main() -> int:
    """Entry of the spawned child: request on stdin, answers on stdout (see the module doc).

    Anything else that writes to stdout (a library's print) goes to stderr instead, so it
    cannot break the protocol.
    """
    answer = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    try:
        serve(0, answer)
    finally:
        answer.close()
    return 0


def serve_forked(request_fd: int, answer_fd: int, error_fd: int) -> None:
    """Entry of the forked child (POSIX fallback): never returns.

    A fork copies the parent: its threads are gone but its descriptors, signal handlers,
    session and environment are not. So, first: a new session (the terminal's Ctrl-C is the
    parent's to handle), an empty ``os.environ``, stderr to the parent's pipe, and every
    descriptor closed but the three pipes.
    """
    code = 0
    try:
        os.setsid()
        os.environ.clear()
        _scrub_environment_block()
        import fcntl

        # above 2 first: a parent without stdin may have got descriptor 0 for a pipe
        high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (request_fd, answer_fd, error_fd)]
        for target, fd in enumerate(high):
            os.dup2(fd, target)
        os.closerange(3, _descriptor_ceiling())
        answer = os.fdopen(os.dup(1), "w", encoding="utf-8")
        os.dup2(2, 1)
        serve(0, answer)
        answer.close()
    except BaseException:  # nothing may unwind into the parent's copy of the program
        code = 70
    finally:
        os._exit(code)


def _scrub_environment_block() -> None:
    """Zero the environment strings the kernel placed at exec (Linux), which
    ``/proc/<pid>/environ`` shows and which ``os.environ.clear()`` leaves in memory.

    Nothing points into them any more (``clear`` unset every variable, and libraries copy
    what they keep); a stale pointer would read an empty string.
    """
    try:
        with open("/proc/self/stat", "rb") as handle:
            fields = handle.read().rsplit(b")", 1)[1].split()
        start, end = int(fields[47]), int(fields[48])  # env_start, env_end (fields 50, 51)
    except (OSError, IndexError, ValueError):
        return
    if 0 < start < end:
        import ctypes

        ctypes.memset(start, 0, end - start)


def _descriptor_ceiling() -> int:
    try:
        import resource

        soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    except (ImportError, OSError, ValueError):
        return 65536
    return 65536 if soft == getattr(resource, "RLIM_INFINITY", -1) else min(int(soft), 1 << 20)
