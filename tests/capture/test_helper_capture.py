"""HelperCapture against helpers that misbehave: real processes (small Python scripts standing
in for wiresleuth-capture) that fail, hang, ignore signals, lie or die. Every path must end in
bounded time with a plain reason, and leave no process behind. No root needed.
"""

from __future__ import annotations

import ast
import os
import re
import struct
import sys
import textwrap
import time
from pathlib import Path

import pytest

from wiresleuth.capture.helper_capture import HelperCapture, NotAllowed
from wiresleuth.capture.libpcap import InvalidFilter, PermissionDenied
from wiresleuth.capture.session import CaptureSession
from wiresleuth.errors import CaptureUnavailable

HEADER = b"\xd4\xc3\xb2\xa1" + struct.pack("<HHiIII", 2, 4, 0, 0, 262144, 113)
RECORD = struct.pack("<IIII", 1_700_000_000, 250_000, 4, 60) + b"abcd"


def fake(folder: Path, body: str, mode: int = 0o755) -> Path:
    """A stand-in helper: Python ``body`` with sys, os, signal, time imported, HEADER/RECORD set."""
    script = folder / "fake-helper"
    script.write_text(
        f"#!{sys.executable}\n"
        "import os, signal, sys, time\n"
        f"HEADER = {HEADER!r}\nRECORD = {RECORD!r}\n"
        "def out(data):\n    os.write(1, data)\n"
        "def say(line):\n    os.write(2, b'wiresleuth-capture: ' + line.encode() + b'\\n')\n"
        + textwrap.dedent(body)
    )
    script.chmod(mode)
    return script


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.mark.parametrize(
    ("code", "line", "error", "said"),
    [
        (3, "no permission to capture on any (socket: Operation not permitted)", PermissionDenied,
         "holds no capture right here (no permission to capture on any"),
        (5, "filter not valid (syntax error)", InvalidFilter,
         "the capture filter is not valid (filter not valid (syntax error)): tcp"),
        (4, "there is no network device named eth9 (No such device exists)", CaptureUnavailable,
         "there is no network device named eth9"),
        (2, "-t: the time limit must be ...", CaptureUnavailable, "refused its arguments"),
        (1, "cannot drop capabilities (Operation not permitted)", CaptureUnavailable,
         "failed (exit 1): cannot drop capabilities"),
    ],
)  # fmt: skip
def test_a_failing_helper_fails_start_with_its_reason(
    tmp_path: Path, code: int, line: str, error: type[Exception], said: str
) -> None:
    helper = fake(tmp_path, f"say('error: ' + {line!r})\nsys.exit({code})\n")
    with pytest.raises(error) as raised:
        CaptureSession("tcp", backend=HelperCapture(helper, "tcp")).start(timeout=5)
    assert said in str(raised.value)


def test_missing_and_unrunnable_helpers_are_named(tmp_path: Path) -> None:
    with pytest.raises(CaptureUnavailable, match=r"helper .*/nowhere is not installed"):
        HelperCapture(tmp_path / "nowhere", "tcp").start(lambda frames: None, 5)
    helper = fake(tmp_path, "sys.exit(0)\n", mode=0o644)  # not executable, even for root
    with pytest.raises(NotAllowed, match=r"you may not start the capture helper .* group may"):
        HelperCapture(helper, "tcp").start(lambda frames: None, 5)


def test_a_helper_that_never_opens_is_given_up_and_killed(tmp_path: Path) -> None:
    helper = fake(tmp_path, """
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        time.sleep(60)
    """)
    capture = HelperCapture(helper, "tcp")
    began = time.monotonic()
    with pytest.raises(CaptureUnavailable, match=r"did not open its capture within 0\.5 s"):
        capture.start(lambda frames: None, 0.5)
    assert time.monotonic() - began < 10  # 0.5 s, then terminate (ignored), then kill
    assert capture.pid is not None and gone(capture.pid)


def test_frames_flow_live_and_the_final_report_is_read(tmp_path: Path) -> None:
    helper = fake(tmp_path, """
        out(HEADER + RECORD)
        say('started interface=any linktype=113 snaplen=262144')
        sys.stdin.buffer.read()  # until the caller closes it
        out(RECORD)  # drained at the end
        say('stopped reason=input-closed packets=2 dropped=7')
    """)
    session = CaptureSession("tcp", backend=HelperCapture(helper, "tcp"))
    session.start(timeout=5)
    assert session.interfaces == ("any",)
    deadline = time.monotonic() + 5
    while session.packet_count < 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert session.packet_count == 1  # seen before stop: live
    session.stop()
    assert session.packet_count == 2
    frame = session.frames()[0]
    assert (frame.data, frame.time, frame.wirelen, frame.linktype) == (b"abcd", 1_700_000_000.25, 60, 113)
    assert session.problem == (
        "the capture missed 7 packets (its buffer overflowed): gaps in the capture may be "
        "ours, not the network's"
    )


def test_the_run_does_not_wait_for_the_helpers_exit_after_its_report(tmp_path: Path) -> None:
    # The real helper says "stopped" before it closes its packet socket, which waits for the
    # kernel (20-40 ms): the stream and the report are all the caller needs.
    helper = fake(tmp_path, """
        out(HEADER)
        say('started interface=any linktype=113 snaplen=262144')
        sys.stdin.buffer.read()
        out(RECORD)
        say('stopped reason=input-closed packets=1 dropped=3')
        os.close(1)
        time.sleep(30)  # releasing the capture, as slow as it likes
    """)
    capture = HelperCapture(helper, "tcp")
    session = CaptureSession("tcp", backend=capture)
    session.start(timeout=5)
    session.stop()
    assert capture.pid is not None and not gone(capture.pid)  # stop() returned before the exit
    assert session.packet_count == 1 and capture.kernel_drops == 3
    assert session.problem is not None and session.problem.startswith("the capture missed 3")
    deadline = time.monotonic() + 10  # reaped in the background: terminated after 1 s
    while not gone(capture.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert gone(capture.pid)


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ("time.sleep(0.2)\nsay('stopped reason=time-limit packets=0 dropped=0')\n",
         "the capture stopped at its time limit of 21600 s"),
        ("say('error: capture failed (The interface went down)')\n"
         "say('stopped reason=capture-error packets=0 dropped=0')\nsys.exit(1)\n",
         "the capture helper ended early (error: capture failed (The interface went down))"),
        ("os.kill(os.getpid(), signal.SIGKILL)\n", "the capture helper ended early (exit -9, no final report)"),
        ("out(RECORD[:10])\n", "the capture helper's output ended inside a packet"),
        ("out(struct_bad)\n", "the capture helper sent a record of 4294967295 bytes"),
    ],
    ids=["time-limit", "capture-error", "killed", "cut", "damaged"],
)  # fmt: skip
def test_an_early_end_is_reported_not_hidden(tmp_path: Path, body: str, said: str) -> None:
    bad = struct.pack("<IIII", 1, 0, 0xFFFFFFFF, 0)
    helper = fake(tmp_path, f"struct_bad = {bad!r}\nout(HEADER)\n" + body)
    session = CaptureSession("tcp", backend=HelperCapture(helper, "tcp"))
    session.start(timeout=5)
    time.sleep(0.5)  # the helper ends on its own meanwhile
    session.stop()
    assert session.problem is not None and session.problem.startswith(said), session.problem


def test_a_helper_that_will_not_stop_is_terminated_in_bounded_time(tmp_path: Path) -> None:
    helper = fake(tmp_path, """
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        out(HEADER)
        os.close(0)
        time.sleep(60)
    """)
    capture = HelperCapture(helper, "tcp")
    session = CaptureSession("tcp", backend=capture)
    session.start(timeout=5)
    began = time.monotonic()
    session.stop()
    session.stop()  # twice is fine
    assert time.monotonic() - began < 20
    assert capture.pid is not None and gone(capture.pid)
    assert session.problem == "the capture helper did not stop when asked and was terminated"


def test_the_helper_gets_only_argv_and_an_empty_environment(tmp_path: Path) -> None:
    record = tmp_path / "seen"
    helper = fake(tmp_path, f"""
        open({str(record)!r}, 'w').write(repr((sys.argv[1:], dict(os.environ))))
        sys.exit(2)
    """)
    os.environ["WIRESLEUTH_TEST_SECRET"] = "x"
    try:
        with pytest.raises(CaptureUnavailable):
            HelperCapture(helper, "tcp port 443", "lo", max_seconds=90).start(lambda f: None, 5)
    finally:
        del os.environ["WIRESLEUTH_TEST_SECRET"]
    argv, environ = ast.literal_eval(record.read_text())
    assert argv == ["-i", "lo", "-t", "90", "-f", "tcp port 443", "-s", "65535"]
    assert set(environ) <= {"LC_CTYPE"}  # Python may set LC_CTYPE itself; nothing of ours


def test_the_helper_is_found_through_the_environment_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    helper = fake(tmp_path, "say('error: from the named helper')\nsys.exit(1)\n")
    monkeypatch.setenv("WIRESLEUTH_CAPTURE_HELPER", str(helper))
    if not sys.platform.startswith("linux"):
        pytest.skip("the helper is Linux's backend")
    with pytest.raises(CaptureUnavailable, match="from the named helper"):
        CaptureSession("tcp").start(timeout=5)
    monkeypatch.setenv("WIRESLEUTH_CAPTURE_HELPER", str(tmp_path / "missing"))
    with pytest.raises(CaptureUnavailable, match="wiresleuth-capture is not installed"):
        CaptureSession("tcp").start(timeout=5)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pipe sizes are Linux's")
def test_the_helpers_output_pipe_is_widened_to_hold_a_burst(tmp_path: Path) -> None:
    """A 64 KiB pipe fills in a run's opening burst while this process is busy; the helper
    then blocks and the kernel's capture ring overflows behind it."""
    import fcntl

    helper = fake(tmp_path, """
        out(HEADER)
        sys.stdin.buffer.read()
        say('stopped reason=input-closed dropped=0')
    """)
    capture = HelperCapture(helper, "tcp")
    capture.start(lambda frames: None, 5)
    try:
        assert capture._proc is not None and capture._proc.stdout is not None
        size = fcntl.fcntl(capture._proc.stdout.fileno(), 1032)  # F_GETPIPE_SZ
    finally:
        capture.stop()
    limit = int(Path("/proc/sys/fs/pipe-max-size").read_text())
    assert size >= min(1 << 20, limit) > 65536


def test_a_helper_opened_before_its_filter_keeps_what_it_matches_once_set(tmp_path: Path) -> None:
    helper = fake(tmp_path, """
        assert sys.argv[sys.argv.index('-f') + 1] == '-'
        out(HEADER)
        say('started interface=any linktype=113 snaplen=65535')
        line = b''
        while not line.endswith(b'\\n'):
            line += os.read(0, 1)
        say('filter set') if line == b'tcp port 443\\n' else sys.exit(9)
        out(RECORD)
        sys.stdin.buffer.read()
        say('stopped reason=input-closed packets=1 dropped=0')
    """)
    session = CaptureSession(None, backend=HelperCapture(helper, None))
    session.start(timeout=5)
    session.set_filter("tcp port 443", timeout=5)
    assert session.bpf_filter == "tcp port 443"
    session.stop()
    assert session.packet_count == 1 and session.problem is None


@pytest.mark.parametrize(
    ("answer", "error", "said"),
    [
        ("say('error: filter not valid (syntax error)')\nsys.exit(5)\n", InvalidFilter,
         "the capture filter is not valid (filter not valid (syntax error)): tcp port"),
        ("time.sleep(30)\n", CaptureUnavailable, "did not take its filter within 0.5 s"),
    ],
    ids=["bad", "silent"],
)  # fmt: skip
def test_a_filter_the_helper_does_not_take_fails_saying_why(
    tmp_path: Path, answer: str, error: type[Exception], said: str
) -> None:
    helper = fake(tmp_path, "out(HEADER)\nsys.stdin.buffer.readline()\n" + answer)
    capture = HelperCapture(helper, None)
    session = CaptureSession(None, backend=capture)
    session.start(timeout=5)
    with pytest.raises(error, match=re.escape(said)):
        session.set_filter("tcp port", timeout=0.5)
    session.stop()
    assert capture.pid is not None and gone(capture.pid)


def test_a_backend_that_takes_its_filter_as_it_opens_cannot_open_without_one() -> None:
    from wiresleuth.capture.inprocess import InProcessCapture

    with pytest.raises(ValueError, match="needs its filter as it opens"):
        CaptureSession(None, backend=InProcessCapture("tcp")).start()
