"""The lab's one-file HTTP server, run as the lab runs it (a process with a ready file)."""

import subprocess
import sys
import time
from pathlib import Path

from tests.probes.loopback_servers import unused_port
from wiresleuth.analysis.http_response import parse_head


def _get(port: int, path: str) -> bytes:
    import socket

    with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return data


def test_one_file_at_one_path_and_404_elsewhere(tmp_path: Path) -> None:
    body = tmp_path / "pac.js"
    body.write_text("function FindProxyForURL(u, h) { return 'DIRECT'; }\n")
    ready = tmp_path / "ready"
    port = unused_port()
    argv = [
        sys.executable, "-m", "wiresleuth.lab.servers.file_server", "--address", "127.0.0.1",
        "--port", str(port), "--path", "/proxy.pac", "--body-file", str(body),
        "--server", "lab-pac/1.0", "--ready-file", str(ready),
    ]  # fmt: skip
    proc = subprocess.Popen(argv)
    try:
        deadline = time.monotonic() + 10
        while not ready.exists() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        assert ready.exists(), "server did not start"
        served = parse_head(_get(port, "/proxy.pac"))
        missing = parse_head(_get(port, "/wpad.dat"))
    finally:
        proc.terminate()
        proc.wait(5)
    assert served is not None and missing is not None
    assert (served.status, served.header("server")) == (200, "lab-pac/1.0")
    assert served.header("content-type") == "application/x-ns-proxy-autoconfig"
    assert "FindProxyForURL" in served.text_body()
    assert (missing.status, missing.header("server")) == (404, "lab-pac/1.0")
