"""``wiresleuth listen``: a real process logging markers and acknowledging them."""

import socket
import subprocess
import sys
import time

from tests.probes.loopback_servers import unused_port
from wiresleuth.probes.marker_protocol import marker_line, new_marker, parse_ack


def read_until(proc: subprocess.Popen[str], word: str, timeout: float = 10.0) -> list[str]:
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip("\n"))
        if word in line:
            return lines
    raise AssertionError(f"{word!r} not seen in {lines}")


def test_listen_logs_the_marker_with_its_source_and_acknowledges_it() -> None:
    port = unused_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "wiresleuth", "listen", str(port), "--bind", "127.0.0.1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        read_until(proc, "LISTEN 127.0.0.1:")
        marker = new_marker()
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(marker_line(marker, "DIRECT"))
            ack = parse_ack(sock.makefile("rb").readline())
            local_port = sock.getsockname()[1]
        assert ack is not None and ack.marker() == marker
        assert (ack.source, ack.port) == ("127.0.0.1", local_port)
        logged = read_until(proc, marker)
        assert f"127.0.0.1:{local_port} MARKER WIRESLEUTH-MARKER {marker}" in logged[-1]
        # the client has closed; wait for the listener to log it before stopping it
        closed = read_until(proc, f"127.0.0.1:{local_port} CLOSE")
        assert closed
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=10)
    assert proc.returncode == 0, err
    assert " STOP" in out


def test_a_port_in_use_is_refused_with_exit_code_2() -> None:
    with socket.create_server(("127.0.0.1", 0)) as busy:
        port = busy.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "wiresleuth", "listen", str(port), "--bind", "127.0.0.1"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    assert done.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr
