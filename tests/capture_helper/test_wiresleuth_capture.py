"""The capture helper itself, run as root: what it captures, refuses, reports and drops.

Every wait is bounded; only a loopback address (127.x.y.z) is pinged.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.capture_helper.running import FILTER, Helper, echo_types, ping, start

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="capturing needs root here")


@needs_root
@pytest.mark.parametrize("iface", ["lo", "any"])
def test_a_loopback_ping_is_captured_live_with_its_filter(
    capture_helper: Path, running: list[Helper], iface: str
) -> None:
    run = start(running, capture_helper, "-i", iface, "-t", "60", "-f", FILTER)
    started = run.line()
    assert started.startswith(f"started interface={iface} linktype="), started
    with open(os.devnull, "wb") as quiet:  # a bystander: UDP on loopback, not in the filter
        subprocess.run(["sh", "-c", "echo x > /dev/udp/127.0.0.1/9"], stderr=quiet, check=False)
    ping(3)
    assert run.proc.stdin is not None
    run.proc.stdin.close()  # the caller is done: the helper drains and ends
    code, frames, lines = run.finish()
    assert code == 0, lines
    assert echo_types(frames) == [8, 0] * 3  # request, reply; nothing else got through
    assert lines[-1].startswith("stopped reason=input-closed packets=6 dropped=0"), lines
    assert {f.linktype for f in frames} == ({1} if iface == "lo" else {113})


@needs_root
def test_rights_are_dropped_before_the_first_packet(
    capture_helper: Path, running: list[Helper]
) -> None:
    run = start(running, capture_helper, "-i", "any", "-t", "60", "-f", FILTER)
    assert run.line().startswith("started ")
    status = dict(
        line.split(":\t", 1) for line in Path(f"/proc/{run.proc.pid}/status").read_text().splitlines()
        if ":\t" in line
    )  # fmt: skip
    for field in ("CapEff", "CapPrm", "CapInh", "CapAmb"):
        assert int(status[field], 16) == 0, f"{field} = {status[field]}"
    assert status["NoNewPrivs"].strip() == "1"
    ping(1)
    os.kill(run.proc.pid, signal.SIGTERM)
    code, frames, lines = run.finish()
    assert code == 0 and len(frames) == 2, lines


@needs_root
def test_descriptors_above_two_are_closed(capture_helper: Path, running: list[Helper]) -> None:
    read_end, write_end = os.pipe()
    try:
        run = start(running, capture_helper, "-i", "lo", "-t", "60", "-f", FILTER, pass_fds=(write_end,))
        assert run.line().startswith("started ")
        open_fds = {int(fd) for fd in os.listdir(f"/proc/{run.proc.pid}/fd")}
        targets = {fd: os.readlink(f"/proc/{run.proc.pid}/fd/{fd}") for fd in open_fds}
    finally:
        os.close(read_end)
        os.close(write_end)
    assert write_end not in open_fds or "socket:" in targets[write_end], targets
    assert all(fd <= 2 or "socket:" in target for fd, target in targets.items()), targets


@needs_root
@pytest.mark.parametrize(
    ("how", "reason"),
    [("stdin", "input-closed"), ("SIGTERM", "signal"), ("SIGINT", "signal"), ("time", "time-limit")],
)
def test_it_stops_in_bounded_time(
    capture_helper: Path, running: list[Helper], how: str, reason: str
) -> None:
    seconds = "1" if how == "time" else "600"
    run = start(running, capture_helper, "-i", "any", "-t", seconds, "-f", FILTER)
    assert run.line().startswith("started ")
    began = time.monotonic()
    if how == "stdin":
        assert run.proc.stdin is not None
        run.proc.stdin.close()
    elif how != "time":
        os.kill(run.proc.pid, getattr(signal, how))
    code, _, lines = run.finish(timeout=5)  # communicate() raises if it does not end
    assert code == 0
    assert lines[-1].startswith(f"stopped reason={reason} "), lines
    print(f"{how}: ended {time.monotonic() - began:.2f} s after the request")


@needs_root
def test_a_reader_that_goes_away_ends_it(capture_helper: Path, running: list[Helper]) -> None:
    run = start(running, capture_helper, "-i", "lo", "-t", "60", "-f", FILTER)
    assert run.line().startswith("started ")
    assert run.proc.stdout is not None
    run.proc.stdout.close()
    ping(1)
    assert run.proc.wait(timeout=5) == 6
    lines = [run.line(1.0), run.line(1.0)]
    assert any(line.startswith("stopped reason=output-closed") for line in lines), lines


@needs_root
@pytest.mark.parametrize(
    ("args", "code", "said"),
    [
        (["-i", "lo", "-t", "5", "-f", "tcp port and"], 5, "error: filter not valid"),
        (["-i", "nosuch0", "-t", "5", "-f", "tcp"], 4, "error: there is no network device named nosuch0"),
        ([], 2, "error: -i, -t and -f are required"),
        (["-i", "lo", "-t", "0", "-f", "tcp"], 2, "error: -t: the time limit must be"),
        (["-i", "lo", "-t", "86401", "-f", "tcp"], 2, "error: -t: the time limit must be"),
        (["-i", "lo", "-t", "5s", "-f", "tcp"], 2, "error: -t: the time limit must be"),
        (["-i", "../etc", "-t", "5", "-f", "tcp"], 2, "error: -i: not an interface name"),
        (["-i", "x" * 16, "-t", "5", "-f", "tcp"], 2, "error: -i: not an interface name"),
        (["-i", "-lo", "-t", "5", "-f", "tcp"], 2, "error: -i: not an interface name"),
        (["-i", "lo", "-t", "5", "-f", "tcp " * 20000], 2, "error: -f: the filter is longer"),
        (["-i", "lo", "-t", "5", "-f", "tcp", "-s", "1"], 2, "error: -s: the snap length"),
        (["-i", "lo", "-t", "5", "-f", "tcp", "-B", "1024"], 2, "error: -B: the buffer"),
        (["-i", "lo", "-t", "5", "-f", "tcp", "extra"], 2, "error: unexpected argument"),
        (["-i", "lo", "-t", "5", "-f", "tcp", "-w", "/tmp/x"], 2, "error: unknown option"),
    ],
)
def test_bad_input_gets_its_exit_code_and_one_line(
    capture_helper: Path, args: list[str], code: int, said: str
) -> None:
    done = subprocess.run(
        [str(capture_helper), *args], capture_output=True, text=True, timeout=10,
        stdin=subprocess.PIPE, check=False,
    )  # fmt: skip
    lines = done.stderr.splitlines()
    assert done.returncode == code, done.stderr
    assert len(lines) == 1 and lines[0].startswith(f"wiresleuth-capture: {said}"), lines
    assert done.stdout == ""


@needs_root
def test_a_terminal_is_refused_as_output(capture_helper: Path) -> None:
    primary, secondary = os.openpty()
    try:
        done = subprocess.run(
            [str(capture_helper), "-i", "lo", "-t", "5", "-f", "tcp"], stdout=secondary,
            stderr=subprocess.PIPE, stdin=subprocess.PIPE, text=True, timeout=10, check=False,
        )  # fmt: skip
    finally:
        os.close(primary)
        os.close(secondary)
    assert done.returncode == 2
    assert "standard output is a terminal" in done.stderr


@needs_root
def test_a_filter_on_standard_input_takes_nothing_before_it_is_set(
    capture_helper: Path, running: list[Helper]
) -> None:
    """``-f -``: the capture opens (rights dropped, stream started) before the caller knows
    its filter; nothing is kept until the filter line arrives and is set."""
    run = start(running, capture_helper, "-i", "lo", "-t", "60", "-f", "-")
    assert run.line().startswith("started interface=lo ")
    status = Path(f"/proc/{run.proc.pid}/status").read_text()
    assert "CapEff:\t0000000000000000" in status  # compiled later, without any right
    ping(1)  # before the filter: not kept
    assert run.proc.stdin is not None
    run.proc.stdin.write(f"{FILTER}\n".encode())
    run.proc.stdin.flush()
    assert run.line() == "filter set"
    ping(2)
    run.proc.stdin.close()
    code, frames, lines = run.finish()
    assert code == 0, lines
    assert echo_types(frames) == [8, 0] * 2
    assert lines[-1].startswith("stopped reason=input-closed packets=4 "), lines


@needs_root
@pytest.mark.parametrize(
    ("given", "code", "said"),
    [
        (b"tcp port and\n", 5, "error: filter not valid"),
        (b"tcp " * 20000 + b"\n", 1, "error: -f -: the filter is longer"),
        (b"", 0, "stopped reason=input-closed packets=0"),  # the caller gave up
    ],
    ids=["bad", "too-long", "no-filter"],
)
def test_a_bad_or_missing_filter_on_standard_input_ends_it_saying_why(
    capture_helper: Path, running: list[Helper], given: bytes, code: int, said: str
) -> None:
    run = start(running, capture_helper, "-i", "lo", "-t", "60", "-f", "-")
    assert run.line().startswith("started ")
    assert run.proc.stdin is not None
    with contextlib.suppress(BrokenPipeError):
        run.proc.stdin.write(given)
        run.proc.stdin.close()
    exit_code, frames, lines = run.finish()
    assert exit_code == code and frames == [], lines
    assert any(line.startswith(said) for line in lines), lines
