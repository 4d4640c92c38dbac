"""Capture through the ``wiresleuth-capture`` helper process (Linux).

On Linux the program holds no capability: the helper (``desktop/capture-helper``, installed
for root and the ``wiresleuth`` group) opens the capture with its own right, drops every
capability, and streams classic pcap on its standard output. Its standard input is a pipe
this side holds open: closing it (``stop()``, or this process dying) makes the helper drain
what the kernel holds and exit, so it never outlives the run.

``start()`` keeps the in-process contract: it returns once the helper has written its pcap
header (capture open, filter set, rights dropped), or raises CaptureUnavailable with a plain
reason (helper missing, this user not allowed to start it, no capture right, bad filter, no
such device). ``stop()`` is bounded: it waits for the helper's end of stream and its final report
(said before the helper releases its capture, which takes the kernel 20-40 ms: the exit is
then awaited in the background), else terminates and finally kills it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import select
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

from wiresleuth.capture.backend import Deliver
from wiresleuth.capture.helper_path import GROUP
from wiresleuth.capture.libpcap import InvalidFilter, PermissionDenied
from wiresleuth.capture.pcap_stream import PcapStream, StreamDamaged
from wiresleuth.errors import CaptureUnavailable

DEFAULT_MAX_SECONDS = 6 * 3600
"""The helper's own time limit: far beyond any run's budget, a backstop should stop() never come."""
EXIT_USAGE, EXIT_PERMISSION, EXIT_NO_DEVICE, EXIT_BAD_FILTER = 2, 3, 4, 5
"""The helper's exit codes (documented in wiresleuth-capture.c)."""

SNAPLEN = 65535
"""Bytes kept of each packet: every IP packet whole (an IP packet is at most 65535 bytes;
only a link header beyond that would be cut). The helper's default, 262144, makes each
slot of the kernel's capture ring 512 KiB, so its 8 MiB ring holds 16 packets; at 65535 it
holds 64, and a run's opening burst no longer overflows it on a busy machine (measured in
the lab: 42 to 113 packets lost in 6 of 8 proxy runs before, none in 3 after)."""
_PIPE_BYTES = 1 << 20
"""The helper's output pipe is widened to this (Linux's default limit for a user): a burst
of a run's opening connections then waits in the pipe while this process is busy, instead
of overflowing the kernel's capture ring behind a blocked helper (measured: up to 113
packets lost from a 64 KiB pipe on a loaded 2-core machine)."""
_F_SETPIPE_SZ = 1031
_DRAIN_SECONDS = 1.0
"""How long stop() gives the helper to hand over what the kernel still holds."""
_JOIN_SECONDS = 3.0
_TERM_SECONDS = 1.0
"""How long a helper that was sent SIGTERM gets before SIGKILL."""
_READ_BYTES = 1 << 16
_STDERR_LIMIT = 1 << 16
_PREFIX = "wiresleuth-capture: "
_FIELD = re.compile(r"(\w+)=(\S+)")


def _widen_pipe(pipe: IO[bytes] | None) -> None:
    """Best effort: a narrower pipe only makes losses under load likelier."""
    if pipe is None or not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError):
        fcntl.fcntl(pipe.fileno(), _F_SETPIPE_SZ, _PIPE_BYTES)


class NotAllowed(PermissionDenied):
    """This user may not start the helper (not root, not in its group)."""


class HelperCapture:
    """One helper process capturing on one device (``any``: every interface)."""

    def __init__(
        self,
        helper: Path,
        bpf_filter: str | None,
        iface: str | None = None,
        *,
        max_seconds: int = DEFAULT_MAX_SECONDS,
    ) -> None:
        self.helper = helper
        self.bpf_filter = bpf_filter
        self.device = iface or "any"
        self.max_seconds = max_seconds
        self._proc: subprocess.Popen[bytes] | None = None
        self._stream = PcapStream(self.device)
        self._thread: threading.Thread | None = None
        self._stopped = False
        self._error: str | None = None
        self._kernel_drops = 0
        self._said = b""
        """The helper's standard error read so far (``set_filter`` reads its answer there)."""
        self._status: list[str] = []
        """Status lines read before the helper was reaped (stop() read them first)."""

    @property
    def devices(self) -> tuple[str, ...]:
        return (self.device,) if self._stream.header_seen else ()

    @property
    def linktype(self) -> int | None:
        return self._stream.linktype

    @property
    def error(self) -> str | None:
        return self._error

    @property
    def kernel_drops(self) -> int:
        return self._kernel_drops

    @property
    def pid(self) -> int | None:
        """The helper's process id while it runs (tests look at its capabilities)."""
        return self._proc.pid if self._proc is not None else None

    def argv(self) -> list[str]:
        """The helper's command line: its only input."""
        return [
            str(self.helper), "-i", self.device, "-t", str(self.max_seconds),
            "-f", "-" if self.bpf_filter is None else self.bpf_filter, "-s", str(SNAPLEN),
        ]  # fmt: skip

    def start(self, deliver: Deliver, timeout: float) -> None:
        """Start the helper; return once its capture is open, else raise saying why."""
        try:
            proc = subprocess.Popen(
                self.argv(),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env={},  # the helper clears its environment anyway
                close_fds=True,
                start_new_session=True,  # a terminal's Ctrl-C is the program's to handle
                bufsize=0,
            )
        except FileNotFoundError as exc:
            raise CaptureUnavailable(
                f"the capture helper {self.helper} is not installed"
            ) from exc
        except PermissionError as exc:
            raise NotAllowed(
                f"you may not start the capture helper {self.helper}: only root and members "
                f"of the '{_group_of(self.helper)}' group may, and you are not in that group "
                "(in this session)"
            ) from exc
        except OSError as exc:
            raise CaptureUnavailable(
                f"cannot start the capture helper {self.helper}: {exc}"
            ) from exc
        self._proc = proc
        _widen_pipe(proc.stdout)
        try:
            self._await_header(proc, deliver, timeout)
        except BaseException:
            self._end(proc)
            _release(proc)
            raise
        self._thread = threading.Thread(
            target=self._read, args=(proc, deliver), name="wiresleuth-capture", daemon=True
        )
        self._thread.start()

    def set_filter(self, bpf_filter: str, timeout: float) -> None:
        """The filter of a helper started without one (``-f -``): sent on its standard input,
        compiled there without any right; returns once set, else raises saying why."""
        proc = self._proc
        if proc is None or proc.stdin is None or self.bpf_filter is not None:
            raise ValueError("set_filter needs a helper started without a filter")
        if "\n" in bpf_filter or "\0" in bpf_filter:
            raise InvalidFilter(f"a capture filter is one line of text: {bpf_filter!r}")
        self.bpf_filter = bpf_filter
        data = bpf_filter.encode() + b"\n"
        try:
            while data:  # a pipe may take a long filter in parts
                data = data[proc.stdin.write(data) or 0 :]
        except OSError:
            pass  # the helper ended: its status says why
        answer = self._read_said(proc, timeout, lambda line: line == "filter set" or
                                 line.startswith("error: "))  # fmt: skip
        if answer == "filter set":
            return
        silent = answer is None and proc.poll() is None
        code = self._end(proc)
        if silent:
            raise CaptureUnavailable(
                f"packet capture did not start: the capture helper did not take its filter "
                f"within {timeout:g} s"
            )
        raise self._startup_error(code, self._stderr_lines(proc))

    def _read_said(
        self, proc: subprocess.Popen[bytes], timeout: float, wanted: Callable[[str], bool]
    ) -> str | None:
        """The first status line ``wanted`` accepts, reading standard error for at most
        ``timeout`` seconds; None at its end or at the timeout."""
        assert proc.stderr is not None
        fd = proc.stderr.fileno()
        deadline = time.monotonic() + timeout
        seen = 0
        while True:
            lines = _lines(self._said)
            found = next((line for line in lines[seen:] if wanted(line)), None)
            if found is not None:
                return found
            seen = len(lines)
            left = deadline - time.monotonic()
            if left <= 0 or len(self._said) >= _STDERR_LIMIT:
                return None
            if not select.select([fd], [], [], left)[0]:
                continue
            chunk = os.read(fd, _STDERR_LIMIT)
            if not chunk:
                return None
            self._said += chunk

    def _await_header(
        self, proc: subprocess.Popen[bytes], deliver: Deliver, timeout: float
    ) -> None:
        assert proc.stdout is not None
        fd = proc.stdout.fileno()
        deadline = time.monotonic() + timeout
        while not self._stream.header_seen:
            left = deadline - time.monotonic()
            if left <= 0:
                raise CaptureUnavailable(
                    f"packet capture did not start: the capture helper did not open its "
                    f"capture within {timeout:g} s"
                )
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(fd, _READ_BYTES)
            if not chunk:
                self._wait(proc, _JOIN_SECONDS)
                raise self._startup_error(proc.returncode, self._stderr_lines(proc))
            try:
                frames = self._stream.feed(chunk)
            except StreamDamaged as exc:
                if not self._stream.header_seen:
                    raise CaptureUnavailable(f"packet capture did not start: {exc}") from exc
                # The capture is open but its first records are already damaged (they came
                # in the same read as the header): reported when the capture stops, like a
                # damage seen later by the reader thread.
                self._error = str(exc)
                with contextlib.suppress(OSError):
                    proc.terminate()
                return
            if frames:
                deliver(frames)

    def _startup_error(self, code: int | None, lines: list[str]) -> CaptureUnavailable:
        said = next((line[len("error: ") :] for line in lines if line.startswith("error: ")), "")
        detail = said or (lines[-1] if lines else "it said nothing")
        if code == EXIT_PERMISSION:
            return PermissionDenied(
                f"the capture helper {self.helper} holds no capture right here ({detail})"
            )
        if code == EXIT_BAD_FILTER:
            return InvalidFilter(f"the capture filter is not valid ({detail}): {self.bpf_filter}")
        if code == EXIT_NO_DEVICE:
            return CaptureUnavailable(detail)
        if code == EXIT_USAGE:
            return CaptureUnavailable(f"the capture helper refused its arguments: {detail}")
        if code is None:
            return CaptureUnavailable("the capture helper did not end after closing its output")
        if code < 0:
            return CaptureUnavailable(f"the capture helper was killed by signal {-code}")
        return CaptureUnavailable(f"the capture helper failed (exit {code}): {detail}")

    def _read(self, proc: subprocess.Popen[bytes], deliver: Deliver) -> None:
        assert proc.stdout is not None
        fd = proc.stdout.fileno()
        try:
            while chunk := os.read(fd, _READ_BYTES):
                frames = self._stream.feed(chunk)
                if frames:
                    deliver(frames)
            if self._stream.pending and not self._error:
                self._error = "the capture helper's output ended inside a packet"
        except StreamDamaged as exc:
            self._error = self._error or str(exc)  # the first damage seen is the one to tell
            with contextlib.suppress(OSError):
                proc.terminate()
        except Exception as exc:  # report, never kill the program
            self._error = f"reading the capture stopped unexpectedly: {type(exc).__name__}: {exc}"
            with contextlib.suppress(OSError):
                proc.terminate()

    def stop(self) -> None:
        """Close the helper's input, take what it still sends, and reap it; bounded."""
        proc, thread = self._proc, self._thread
        if self._stopped or proc is None or thread is None:
            self._stopped = True
            return
        self._stopped = True
        _close(proc.stdin)  # the helper drains the kernel's buffer and ends its stream
        thread.join(_DRAIN_SECONDS + _JOIN_SECONDS)
        if not thread.is_alive():
            lines = self._stderr_lines(proc, until_stopped=True)
            if any(line.startswith("stopped ") for line in lines):
                # The stream is whole and its report said: the helper's exit (closing its
                # packet socket waits for the kernel, 20-40 ms) is awaited off the run's path.
                threading.Thread(
                    target=self._reap, args=(proc,), name="wiresleuth-capture-reap", daemon=True
                ).start()
                self._note_end(None, lines, None)
                return
            self._status = lines
        forced = None
        if thread.is_alive():
            forced = "did not stop when asked and was terminated"
        code = self._end(proc)
        thread.join(_JOIN_SECONDS)  # the helper has ended: its stream is at its end
        lines = self._stderr_lines(proc) if code is not None else []
        lines, self._status = self._status + lines, []
        if not thread.is_alive():
            _release(proc)
        self._note_end(code, lines, forced)

    def _note_end(self, code: int | None, lines: list[str], forced: str | None) -> None:
        report = next((line for line in reversed(lines) if line.startswith("stopped ")), None)
        fields = dict(_FIELD.findall(report)) if report else {}
        with contextlib.suppress(ValueError):
            self._kernel_drops = int(fields.get("dropped", "0"))
        reason = fields.get("reason")
        said = next((line for line in lines if line.startswith("error: ")), None)
        if forced is not None:
            problem: str | None = f"the capture helper {forced}"
        elif reason == "time-limit":
            problem = f"the capture stopped at its time limit of {self.max_seconds} s"
        elif report is None or reason not in ("input-closed", "signal"):
            detail = said or report or f"exit {code}, no final report"
            problem = f"the capture helper ended early ({detail})"
        else:
            problem = None
        if problem and not self._error:
            self._error = problem

    def _reap(self, proc: subprocess.Popen[bytes]) -> None:
        self._end(proc)
        _release(proc)

    def _end(self, proc: subprocess.Popen[bytes]) -> int | None:
        """Reap the helper (terminate, then kill, when it lingers); its exit code or None."""
        _close(proc.stdin)
        code = self._wait(proc, _TERM_SECONDS)
        if code is None:
            with contextlib.suppress(OSError):
                proc.terminate()
            code = self._wait(proc, _TERM_SECONDS)
        if code is None:
            with contextlib.suppress(OSError):
                proc.kill()
            code = self._wait(proc, _JOIN_SECONDS)
        return code

    @staticmethod
    def _wait(proc: subprocess.Popen[bytes], seconds: float) -> int | None:
        try:
            return proc.wait(seconds)
        except subprocess.TimeoutExpired:
            return None

    def _stderr_lines(
        self, proc: subprocess.Popen[bytes], *, until_stopped: bool = False
    ) -> list[str]:
        """The helper's status lines, without its name: read to their end (after the helper
        ended), or ``until_stopped``: up to its final report, which it says before it exits."""
        if proc.stderr is None or proc.stderr.closed:
            return _lines(self._said)
        fd = proc.stderr.fileno()
        data = self._said
        while len(data) < _STDERR_LIMIT and select.select([fd], [], [], 0.5)[0]:
            chunk = os.read(fd, _STDERR_LIMIT)
            if not chunk:
                break
            data += chunk
            if until_stopped and re.search(rb"(^|\n)" + _PREFIX.encode() + rb"stopped [^\n]*\n", data):
                break
        self._said = data
        return _lines(data)


def _lines(said: bytes) -> list[str]:
    """Whole status lines (a last one without its newline is not yet said), without the
    helper's name."""
    text = said.decode("utf-8", "replace")
    whole = text.splitlines()[: text.count("\n")]
    return [line.removeprefix(_PREFIX).strip() for line in whole if line.strip()]


def _group_of(path: Path) -> str:
    """The name of the group that owns ``path`` (the one allowed to start it)."""
    import grp

    try:
        return grp.getgrgid(path.stat().st_gid).gr_name
    except (OSError, KeyError):
        return GROUP


def _release(proc: subprocess.Popen[bytes]) -> None:
    for stream in (proc.stdin, proc.stdout, proc.stderr):
        _close(stream)


def _close(stream: IO[bytes] | None) -> None:
    if stream is not None:
        with contextlib.suppress(OSError):
            stream.close()
