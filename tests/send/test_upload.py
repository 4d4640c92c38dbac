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


def test_nobody_listening(bundle: Path, ca: trustme.CA, refused_port: int) -> None:
    with pytest.raises(UploadFailed, match="refused the connection"):
        upload_bundle(bundle, f"https://localhost:{refused_port}/upload")


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
    bundle: Path, helpdesk: HelpdeskServer, refused_port: int
) -> None:
    dead = Route(kind="PROXY", proxy=f"127.0.0.1:{refused_port}")
    receipt = upload_bundle(bundle, helpdesk.url, route=_route(dead, Route(kind="DIRECT")))
    assert receipt.way == "direct" and len(helpdesk.received) == 1


def test_a_proxy_that_refuses_is_named_not_the_server(
    bundle: Path, helpdesk: HelpdeskServer, refused_port: int
) -> None:
    dead = Route(kind="PROXY", proxy=f"127.0.0.1:{refused_port}")
    with pytest.raises(UploadFailed) as failed:
        upload_bundle(bundle, helpdesk.url, route=_route(dead))
    assert f"the proxy 127.0.0.1:{refused_port} refused the connection" in str(failed.value)
    assert helpdesk.received == []


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
def test_failures_are_said_in_words_not_class_names(
    bundle: Path, url: str, words: str, refused_port: int
) -> None:
    with pytest.raises(UploadFailed) as caught:
        upload_bundle(bundle, url.format(port=refused_port))
    assert str(caught.value) == words
    assert "ConnectionError" not in str(caught.value)


@pytest.mark.parametrize("ticket", ["a\r\nX-Evil: 1", "x" * 65, "<script>"])
def test_a_ticket_number_cannot_carry_headers(bundle: Path, ticket: str) -> None:
    with pytest.raises(UploadFailed, match="ticket number may hold"):
        upload_bundle(bundle, "https://localhost:1/upload", ticket=ticket)


def _client_sockets_to(port: int) -> int:
    """This process's sockets connected to ``port`` (Linux: /proc/self/fd and /proc/net/tcp*).

    Only the client's side counts: the test server runs in this process too, and its accepted
    sockets close on its own thread's schedule."""
    import os

    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table, encoding="ascii") as rows:
            next(rows)
            for row in rows:
                fields = row.split()
                if int(fields[2].rsplit(":", 1)[1], 16) == port:
                    inodes.add(fields[9])
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        count += target.startswith("socket:[") and target[8:-1] in inodes
    return count


def test_a_refused_upload_leaves_no_connection_open(bundle: Path, ca: trustme.CA) -> None:
    """The answer is read and its response closed before UploadFailed is raised: no socket
    is left for the garbage collector (whose ResourceWarning pytest turns into an error)."""
    import gc

    server = HelpdeskServer(ca, status=403, answer=b"not from here\n" * 10_000)
    gc.disable()  # a leaked socket must show as one, not be collected in passing
    try:
        port = server.httpd.server_address[1]
        for _ in range(3):
            with pytest.raises(UploadFailed, match=r"HTTP 403 Forbidden \(not from here\)"):
                upload_bundle(bundle, server.url)
        assert _client_sockets_to(port) == 0
    finally:
        gc.enable()
        server.close()
    gc.collect()  # a socket left unclosed would warn here (ResourceWarning: an error)


def test_an_endless_answer_is_read_only_as_far_as_its_first_lines(
    bundle: Path, ca: trustme.CA
) -> None:
    """A server that announces 1 GB and then holds the connection: the upload still ends at
    once with the answer's first line (it reads ANSWER_LIMIT bytes, then closes)."""
    import ssl

    from tests.probes.loopback_servers import LoopbackServer
    from wiresleuth.send.upload import ANSWER_LIMIT

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost").configure_cert(context)
    release = threading.Event()

    def endless(conn: Any) -> None:
        with context.wrap_socket(conn, server_side=True) as tls:
            tls.settimeout(5)
            received = b""
            while b"\r\n\r\n" not in received:
                received += tls.recv(65536)
            length = int(received.split(b"Content-Length: ")[1].split(b"\r\n")[0])
            got = len(received.split(b"\r\n\r\n", 1)[1])
            while got < length:
                got += len(tls.recv(65536))
            tls.sendall(b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 1000000000\r\n\r\n"
                        + b"the disk is full\n" + b"x" * (2 * ANSWER_LIMIT))  # fmt: skip
            release.wait(30)  # holds the rest of the "gigabyte" back

    done: list[BaseException] = []

    def send(url: str) -> None:
        try:
            upload_bundle(bundle, url)
        except UploadFailed as exc:
            done.append(exc)

    with LoopbackServer(endless) as server:
        worker = threading.Thread(
            target=send, args=(f"https://localhost:{server.port}/u",), daemon=True
        )
        worker.start()
        worker.join(20)  # bounded: READ_TIMEOUT (60 s) would be hit by a reader of it all
        finished = not worker.is_alive()
        release.set()
    assert finished
    (error,) = done
    assert str(error) == (
        "the server localhost refused the bundle: HTTP 500 Internal Server Error (the disk is full)"
    )


def test_a_receipt_whose_hash_is_not_the_files_is_no_success(bundle: Path, ca: trustme.CA) -> None:
    import hashlib
    import json

    sent = hashlib.sha256(bundle.read_bytes()).hexdigest()
    other = hashlib.sha256(b"something else").hexdigest()
    for digest, fine in ((sent, True), (other, False)):
        answer = f"Received as abc, SHA-256 {digest}\n" + json.dumps({"id": "abc", "sha256": digest})
        server = HelpdeskServer(ca, answer=answer.encode() + b"\n")
        try:
            if fine:
                receipt = upload_bundle(bundle, server.url)
                assert (receipt.bundle_id, receipt.sha256) == ("abc", sent)
            else:
                with pytest.raises(UploadFailed) as caught:
                    upload_bundle(bundle, server.url)
                assert str(caught.value) == (
                    f"the server localhost received other bytes than were sent (its SHA-256 "
                    f"{other}, the file's {sent}): send it again"
                )
        finally:
            server.close()


def test_a_foreign_servers_answer_gives_no_receipt_fields(
    bundle: Path, helpdesk: HelpdeskServer
) -> None:
    receipt = upload_bundle(bundle, helpdesk.url)
    assert (receipt.message, receipt.bundle_id, receipt.sha256) == ("ticket 42", None, None)


TOKEN = "wsu_" + "k" * 43


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (f"Max retries exceeded with url: /upload/{TOKEN} (Caused by X)",
         "Max retries exceeded with url: … (Caused by X)"),
        (f"cannot reach https://inbox.example:8443/upload/{TOKEN}",
         "cannot reach https://inbox.example:8443"),
        (f"not found: {TOKEN}", "not found: …"),
        ("the secret s3cr3t-path-part is wrong", "the secret … is wrong"),
        ("a token of another inbox wsu_" + "z" * 30, "a token of another inbox …"),
    ],
)  # fmt: skip
def test_messages_are_scrubbed_of_the_address_path_and_tokens(text: str, shown: str) -> None:
    from wiresleuth.send.upload import scrub

    url = f"https://inbox.example:8443/upload/{TOKEN}"
    if "s3cr3t" in text:
        url = "https://inbox.example/in/s3cr3t-path-part?key=1"
    assert scrub(text, url, TOKEN) == shown


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (f"https://inbox.example:8443/upload/{TOKEN}", "https://inbox.example:8443"),
        ("https://inbox.example/upload?token=x", "https://inbox.example"),
        ("https://[::1]:8443/upload/x", "https://[::1]:8443"),
        ("https://inbox.example:99999/x", "the upload address"),
    ],
)
def test_the_address_is_shown_without_path_or_query(url: str, shown: str) -> None:
    from wiresleuth.send.upload import shown_address

    assert shown_address(url) == shown


def test_a_token_that_cannot_travel_in_a_header_is_refused_unquoted(bundle: Path) -> None:
    with pytest.raises(UploadFailed, match="upload token in the profile is not valid") as caught:
        upload_bundle(bundle, "https://localhost:1/upload", token="wsu_a\r\nX-Evil: 1")
    assert "Evil" not in str(caught.value)


def test_the_token_travels_as_a_bearer_header(bundle: Path, helpdesk: HelpdeskServer) -> None:
    upload_bundle(bundle, helpdesk.url, token=TOKEN)
    ((headers, _body),) = helpdesk.received
    assert headers["Authorization"] == f"Bearer {TOKEN}"


def _tls_behaviour(ca: trustme.CA, then: Any) -> Any:
    import ssl

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost").configure_cert(context)

    def behave(conn: Any) -> None:
        with context.wrap_socket(conn, server_side=True) as tls:
            tls.settimeout(5)
            then(tls)

    return behave


def test_a_connection_cut_while_sending_is_not_called_a_certificate_problem(
    tmp_path: Path, ca: trustme.CA
) -> None:
    """A server (or a box on the way) that closes the connection part-way through the body:
    the user is told it broke off, and how far it got; not that the server is not genuine."""
    from tests.probes.loopback_servers import LoopbackServer

    big = tmp_path / "big.wsbundle"
    big.write_bytes(bytes(range(256)) * (40 * 4096))  # 40 MiB: more than the socket buffers

    def cut(tls: Any) -> None:
        received = 0
        while received < 256 * 1024:
            received += len(tls.recv(65536))
        tls.close()

    with LoopbackServer(_tls_behaviour(ca, cut)) as server, pytest.raises(UploadFailed) as caught:
        upload_bundle(big, f"https://localhost:{server.port}/upload")
    text = str(caught.value)
    assert "genuine" not in text and "certificate" not in text
    assert text.startswith("the connection to localhost broke off after ")
    assert text.endswith(f" of {big.stat().st_size} bytes, with no answer: the server, or "
                         "something on the way, closed it")  # fmt: skip


def test_a_server_that_speaks_no_tls_is_said_so(bundle: Path) -> None:
    from tests.probes.loopback_servers import LoopbackServer

    def plain(conn: Any) -> None:
        conn.recv(4096)
        conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")

    with LoopbackServer(plain) as server, pytest.raises(UploadFailed) as caught:
        upload_bundle(bundle, f"https://localhost:{server.port}/upload")
    assert str(caught.value) == (
        "the secure (TLS) connection to localhost failed (WRONG_VERSION_NUMBER), so nothing "
        "was sent"
    )
