import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import trustme

from wiresleuth.gui.upload import UploadCancelled, UploadFailed, upload_bundle


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a cancelled upload breaks off mid-request: expected here


class HelpdeskServer:
    """An HTTPS upload endpoint on 127.0.0.1 that keeps what it receives."""

    def __init__(self, ca: trustme.CA, status: int = 201, answer: bytes = b"ticket 42\n") -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                size = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(size)
                server.received.append((dict(self.headers.items()), body))
                self.send_response(status)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("localhost").configure_cert(context)
        self.httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.url = f"https://localhost:{self.httpd.server_address[1]}/upload"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    path = tmp_path / "wiresleuth-host-20240501-093000.wsbundle"
    path.write_bytes(bytes(range(256)) * 2000)  # 512 KB: several blocks
    return path


@pytest.fixture
def helpdesk(ca: trustme.CA) -> Iterator[HelpdeskServer]:
    server = HelpdeskServer(ca)
    yield server
    server.close()


def test_the_bundle_arrives_whole_with_its_name_and_progress(
    bundle: Path, helpdesk: HelpdeskServer
) -> None:
    progress: list[tuple[int, int]] = []
    receipt = upload_bundle(
        bundle, helpdesk.url, progress=lambda sent, total: progress.append((sent, total))
    )
    assert (receipt.status, receipt.message) == (201, "ticket 42")
    ((headers, body),) = helpdesk.received
    assert body == bundle.read_bytes()
    assert headers["Content-Type"] == "application/zip"
    assert bundle.name in headers["Content-Disposition"]
    assert headers["User-Agent"].startswith("WireSleuth/")
    assert progress[-1] == (bundle.stat().st_size, bundle.stat().st_size)
    assert len(progress) > 2 and progress == sorted(progress)


def test_a_refusal_names_the_status(bundle: Path, ca: trustme.CA) -> None:
    server = HelpdeskServer(ca, status=413, answer=b"too large for us\n")
    try:
        with pytest.raises(UploadFailed, match=r"refused the bundle: HTTP 413 .*too large for us"):
            upload_bundle(bundle, server.url)
    finally:
        server.close()


def test_a_server_this_computer_does_not_trust_gets_nothing(bundle: Path, ca: trustme.CA) -> None:
    stranger = HelpdeskServer(trustme.CA())
    try:
        with pytest.raises(UploadFailed, match="could not be verified"):
            upload_bundle(bundle, stranger.url)
        assert stranger.received == []
    finally:
        stranger.close()


def test_only_https(bundle: Path) -> None:
    with pytest.raises(UploadFailed, match="not an https:// address"):
        upload_bundle(bundle, "http://localhost:1/upload")


def test_nobody_listening(bundle: Path, ca: trustme.CA) -> None:
    import socket

    with socket.socket() as spare:
        spare.bind(("127.0.0.1", 0))
        port = spare.getsockname()[1]
    with pytest.raises(UploadFailed, match="could not be reached"):
        upload_bundle(bundle, f"https://localhost:{port}/upload")


def test_cancel_stops_the_upload(bundle: Path, helpdesk: HelpdeskServer) -> None:
    stop = threading.Event()
    with pytest.raises(UploadCancelled):
        upload_bundle(bundle, helpdesk.url, progress=lambda sent, total: stop.set(), cancel=stop)


def test_a_missing_file_is_said_plainly(tmp_path: Path, helpdesk: HelpdeskServer) -> None:
    with pytest.raises(UploadFailed, match="cannot read"):
        upload_bundle(tmp_path / "gone.wsbundle", helpdesk.url)
