import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import trustme

from wiresleuth.model.proxy_observations import Route
from wiresleuth.model.route import TargetRoute
from wiresleuth.send.upload import UploadCancelled, UploadFailed, upload_bundle


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a cancelled upload breaks off mid-request: expected here


class HelpdeskServer:
    """An HTTPS upload endpoint on 127.0.0.1 that keeps what it receives."""

    def __init__(self, ca: trustme.CA, status: int = 201, answer: bytes = b"ticket 42\n") -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.status = status
        """What the next POST is answered with (a test may change it)."""
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                size = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(size)
                server.received.append((dict(self.headers.items()), body))
                self.send_response(server.status)
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
    with pytest.raises(UploadFailed, match="refused the connection"):
        upload_bundle(bundle, f"https://localhost:{port}/upload")


def test_cancel_stops_the_upload(bundle: Path, helpdesk: HelpdeskServer) -> None:
    stop = threading.Event()
    with pytest.raises(UploadCancelled):
        upload_bundle(bundle, helpdesk.url, progress=lambda sent, total: stop.set(), cancel=stop)


def test_a_missing_file_is_said_plainly(tmp_path: Path, helpdesk: HelpdeskServer) -> None:
    with pytest.raises(UploadFailed, match="cannot read"):
        upload_bundle(tmp_path / "gone.wsbundle", helpdesk.url)


def _route(*ways: Route) -> TargetRoute:
    return TargetRoute(
        target="localhost:443", url="https://localhost/upload", candidates=ways,
        source="profile", origin="helpdesk profile", reason="test",
    )  # fmt: skip


def _port_nobody_listens_on() -> int:
    import socket

    with socket.socket() as spare:
        spare.bind(("127.0.0.1", 0))
        return int(spare.getsockname()[1])


def test_the_upload_goes_through_the_routes_proxy(bundle: Path, helpdesk: HelpdeskServer) -> None:
    from tests.probes.loopback_servers import LoopbackServer
    from tests.probes.proxy_servers import connect_proxy

    port = int(helpdesk.url.split(":")[2].split("/")[0])
    stages: list[str] = []
    with LoopbackServer(connect_proxy(port)) as proxy:
        way = Route(kind="PROXY", proxy=f"127.0.0.1:{proxy.port}")
        receipt = upload_bundle(
            bundle, helpdesk.url, route=_route(way), ticket="INC-42", stage=stages.append
        )
    assert receipt.way == f"proxy 127.0.0.1:{proxy.port}"
    ((headers, body),) = helpdesk.received
    assert body == bundle.read_bytes() and headers["X-WireSleuth-Ticket"] == "INC-42"
    assert stages == [f"Connecting to localhost through the proxy 127.0.0.1:{proxy.port}…"]


def test_a_dead_proxy_gives_way_to_the_next_of_the_route(
    bundle: Path, helpdesk: HelpdeskServer
) -> None:
    dead = Route(kind="PROXY", proxy=f"127.0.0.1:{_port_nobody_listens_on()}")
    receipt = upload_bundle(bundle, helpdesk.url, route=_route(dead, Route(kind="DIRECT")))
    assert receipt.way == "direct" and len(helpdesk.received) == 1


def test_a_proxy_login_is_said_plainly(bundle: Path, helpdesk: HelpdeskServer) -> None:
    from tests.probes.loopback_servers import LoopbackServer
    from tests.probes.proxy_servers import connect_proxy

    with LoopbackServer(connect_proxy(1, user="u", password="p")) as proxy:
        way = Route(kind="PROXY", proxy=f"127.0.0.1:{proxy.port}")
        with pytest.raises(UploadFailed, match="asks for a login") as caught:
            upload_bundle(bundle, helpdesk.url, route=_route(way, Route(kind="DIRECT")))
    assert "Error" not in str(caught.value)
    assert helpdesk.received == []  # a login request is an answer: no failover past it


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("https://localhost:{port}/upload", "the server localhost refused the connection"),
        (
            "https://no-such-name.invalid/upload",
            "the name no-such-name.invalid could not be looked up",
        ),
    ],
)
def test_failures_are_said_in_words_not_class_names(bundle: Path, url: str, words: str) -> None:
    with pytest.raises(UploadFailed) as caught:
        upload_bundle(bundle, url.format(port=_port_nobody_listens_on()))
    assert str(caught.value) == words
    assert "ConnectionError" not in str(caught.value)


@pytest.mark.parametrize("ticket", ["a\r\nX-Evil: 1", "x" * 65, "<script>"])
def test_a_ticket_number_cannot_carry_headers(bundle: Path, ticket: str) -> None:
    with pytest.raises(UploadFailed, match="ticket number may hold"):
        upload_bundle(bundle, "https://localhost:1/upload", ticket=ticket)
