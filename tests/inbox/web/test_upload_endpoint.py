"""The upload endpoint, driven by the sending side's own code (``send/upload.py``, what the
window and ``wiresleuth send`` use) and, for what a well-behaved sender never does, by raw
requests and raw TLS sockets. The whole commands and the window: test_end_to_end.py."""

import json
import socket
import ssl
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import trustme
from sqlalchemy import func, select

from tests.inbox.running import RunningInbox, running_inbox
from tests.inbox.samples import FORMAT_1, lab_bundle, rewritten, sha256_of
from tests.probes.loopback_servers import trust_env
from tests.small_disk import mounted_tmpfs
from wiresleuth.inbox import tokens
from wiresleuth.inbox.tables import BundleRow, FindingRow, RefusalRow
from wiresleuth.send.upload import UploadFailed, upload_bundle


@pytest.fixture(autouse=True)
def trusted(ca: trustme.CA, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The sender (truststore: this computer's store) trusts the inbox's CA."""
    folder = tmp_path / "trust"
    folder.mkdir()
    for key, value in trust_env(folder, [ca], [ca]).items():
        monkeypatch.setenv(key, value)


def _count(inbox: RunningInbox, table: type) -> int:
    with inbox.store.db.session() as session:
        return session.scalar(select(func.count()).select_from(table)) or 0


def _incoming_is_empty(inbox: RunningInbox) -> bool:
    return not list(inbox.settings.incoming_dir.iterdir())


def test_a_bundle_sent_by_the_window_is_kept_indexed_and_receipted(inbox: RunningInbox) -> None:
    bundle = lab_bundle("C8")
    receipt = upload_bundle(bundle, inbox.upload_url, ticket="INC-4711")
    assert receipt.status == 201
    row = inbox.store.find(receipt.message.split()[2].rstrip(","))
    assert row is not None
    # what the user's window shows is the receipt: the id and the file's SHA-256
    assert receipt.message == (
        f"Received as {row.id}, SHA-256 {sha256_of(bundle)}, at {row.received_at.isoformat()}Z"
    )
    assert inbox.store.path_of(row).read_bytes() == bundle.read_bytes()
    assert (row.file_name, row.size, row.sender, row.ticket) == (
        "C8.wsbundle",
        bundle.stat().st_size,
        "127.0.0.1",
        "INC-4711",
    )
    assert row.headline_id == "tls.reset_after_client_hello" and row.problems == 1
    assert row.gateway_vendor == "F5 Networks, Inc." and row.subnet == "198.18.1.0/24"
    assert [f.finding_id for f in inbox.store.findings_of(row.id)][:2] == [
        "tls.reset_after_client_hello",
        "mtu.path_mtu",
    ]
    assert ("site", "portal.lab.test:443") in {
        (f.kind, f.value) for f in inbox.store.facets_of(row.id)
    }
    assert _incoming_is_empty(inbox)


def test_the_same_file_twice_is_kept_once_and_gets_its_first_receipt(inbox: RunningInbox) -> None:
    first = upload_bundle(FORMAT_1, inbox.upload_url)
    again = upload_bundle(FORMAT_1, inbox.upload_url)
    assert (first.status, again.status) == (201, 200)
    assert first.message.split(",")[0] in again.message and "sent before" in again.message
    assert _count(inbox, BundleRow) == 1


def test_the_receipt_is_json_for_a_client_that_asks(inbox: RunningInbox) -> None:
    answer = inbox.session().post(
        inbox.url + "/upload",
        data=FORMAT_1.read_bytes(),
        headers={
            "Authorization": f"Bearer {inbox.token}",
            "Content-Type": "application/zip",
            "Accept": "application/json",
            "X-WireSleuth-Ticket": "INC-4711",
        },
        timeout=30,
    )
    assert answer.status_code == 201, answer.text
    receipt = answer.json()
    assert set(receipt) == {"id", "sha256", "received_at", "duplicate"}
    assert receipt["sha256"] == sha256_of(FORMAT_1) and receipt["received_at"].endswith("Z")
    row = inbox.store.find(receipt["id"])
    assert row is not None and row.ticket == "INC-4711"


def test_a_wrong_missing_or_revoked_token_is_refused(inbox: RunningInbox) -> None:
    with pytest.raises(UploadFailed, match=r"HTTP 401 .*token is missing, unknown or revoked"):
        upload_bundle(FORMAT_1, f"{inbox.url}/upload/wsu_not-a-token-of-this-inbox")
    answer = inbox.session().post(inbox.url + "/upload", data=b"PK", timeout=10)
    assert answer.status_code == 401 and answer.headers["WWW-Authenticate"].startswith("Bearer")
    live = tokens.list_tokens(inbox.store.db)[0]
    tokens.revoke_token(inbox.store.db, live.id)
    with pytest.raises(UploadFailed, match="HTTP 401"):
        upload_bundle(FORMAT_1, inbox.upload_url)
    assert _count(inbox, BundleRow) == 0 and _count(inbox, RefusalRow) == 0


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda d: _write(d / "notes.wsbundle", b"not a zip at all" * 100), "not a zip file"),
        (
            lambda d: rewritten(
                FORMAT_1, d / "edited.wsbundle", "report.json", b"{}", fix_manifest=False
            ),
            "report.json: checksum mismatch",
        ),
        (
            lambda d: rewritten(
                FORMAT_1,
                d / "capture.wsbundle",
                "capture.pcapng",
                b"\n\r\r\n" + bytes(60),
                fix_manifest=False,
            ),
            "capture.pcapng: checksum mismatch",
        ),
    ],
    ids=["not-a-zip", "report-edited", "capture-swapped"],
)
def test_a_hostile_or_damaged_bundle_is_refused_with_the_readers_reason(
    inbox: RunningInbox, tmp_path: Path, make: object, reason: str
) -> None:
    bundle = make(tmp_path)  # type: ignore[operator]
    with pytest.raises(UploadFailed, match=rf"HTTP 422 .*{reason}") as refused:
        upload_bundle(bundle, inbox.upload_url)
    assert str(inbox.settings.incoming_dir) not in str(refused.value)  # the sender's name only
    assert bundle.name in str(refused.value)
    assert _count(inbox, BundleRow) == 0 and _count(inbox, FindingRow) == 0
    assert not list(inbox.settings.bundles_dir.rglob("*.wsbundle"))
    with inbox.store.db.session() as session:
        refusal = session.scalars(select(RefusalRow)).one()
    assert reason in refusal.reason and refusal.file_name == bundle.name
    assert _incoming_is_empty(inbox)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_a_form_upload_and_a_bad_ticket_are_refused_with_what_to_do(inbox: RunningInbox) -> None:
    client = inbox.session()
    answer = client.post(inbox.upload_url, files={"bundle": FORMAT_1.read_bytes()}, timeout=10)
    assert answer.status_code == 415 and "not a form" in answer.text
    answer = client.post(
        inbox.upload_url,
        data=FORMAT_1.read_bytes(),
        headers={"X-WireSleuth-Ticket": "<b>1</b>"},
        timeout=10,
    )
    assert answer.status_code == 400 and answer.text.startswith("the ticket number may hold")
    assert _count(inbox, BundleRow) == 0


def _raw_request(inbox: RunningInbox, head: str, body: bytes = b"", wait: float = 10.0) -> bytes:
    """Send ``head`` (and ``body``) over TLS; what the server answers within ``wait``."""
    context = ssl.create_default_context(cafile=str(inbox.ca_file))
    port = int(inbox.url.rsplit(":", 1)[1])
    with (
        socket.create_connection(("127.0.0.1", port), timeout=wait) as raw,
        context.wrap_socket(raw, server_hostname="localhost") as tls,
    ):
        tls.sendall(head.encode() + body)
        return _read_answer(tls, wait)


def _read_answer(tls: ssl.SSLSocket, wait: float) -> bytes:
    """One HTTP answer: its head and as many body bytes as its Content-Length says."""
    answer = b""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        head, sep, body = answer.partition(b"\r\n\r\n")
        if sep:
            length = next(
                (int(line.split(b":")[1]) for line in head.split(b"\r\n")
                 if line.lower().startswith(b"content-length:")),
                0,
            )  # fmt: skip
            if len(body) >= length:
                break
        chunk = tls.recv(65536)
        if not chunk:
            break
        answer += chunk
    return answer


def test_a_declared_size_over_the_limit_is_refused_before_the_body_is_sent(
    inbox: RunningInbox,
) -> None:
    # Headers only: the server must answer without waiting for the 10 GB it was promised.
    head = (
        f"POST /upload/{inbox.token} HTTP/1.1\r\nHost: localhost\r\n"
        "Content-Type: application/zip\r\nContent-Length: 10000000000\r\n\r\n"
    )
    answer = _raw_request(inbox, head)
    assert answer.startswith(b"HTTP/1.1 413 "), answer[:200]
    assert b"this inbox takes bundles up to 1073741824 bytes" in answer


@pytest.fixture
def small_inbox(tmp_path: Path, index_url: str, ca: trustme.CA) -> Iterator[RunningInbox]:
    """An inbox taking 64 KiB at most, one upload at a time, impatient after 1 s."""
    with running_inbox(
        tmp_path, index_url, ca, max_bundle_bytes=64 * 1024, upload_slots=1, idle_seconds=1.0
    ) as running:
        yield running


def test_a_body_without_length_is_cut_at_the_limit(small_inbox: RunningInbox) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(40):
            yield bytes(8192)

    answer = small_inbox.session().post(small_inbox.upload_url, data=chunks(), timeout=30)
    assert answer.status_code == 413 and "larger than this inbox takes (65536 bytes)" in answer.text
    assert _incoming_is_empty(small_inbox)


def test_a_stalled_upload_is_given_up_and_a_busy_inbox_says_when_to_retry(
    small_inbox: RunningInbox,
) -> None:
    context = ssl.create_default_context(cafile=str(small_inbox.ca_file))
    port = int(small_inbox.url.rsplit(":", 1)[1])
    head = (
        f"POST /upload/{small_inbox.token} HTTP/1.1\r\nHost: localhost\r\n"
        "Content-Type: application/zip\r\nContent-Length: 50000\r\n\r\n"
    )
    with (
        socket.create_connection(("127.0.0.1", port), timeout=10) as raw,
        context.wrap_socket(raw, server_hostname="localhost") as stalled,
    ):
        stalled.sendall(head.encode() + b"PK\x03\x04")  # and then nothing
        time.sleep(0.3)
        busy = small_inbox.session().post(
            small_inbox.upload_url, data=FORMAT_1.read_bytes()[:1000], timeout=10
        )
        assert busy.status_code == 503 and busy.headers["Retry-After"] == "30"
        stalled.settimeout(10)
        answer = _read_answer(stalled, 10)
    assert answer.startswith(b"HTTP/1.1 408 "), answer[:200]
    assert b"nothing arrived for 1 s" in answer
    assert _incoming_is_empty(small_inbox)
    # the slot is free again
    again = small_inbox.session().post(small_inbox.upload_url, data=b"x" * 100, timeout=10)
    assert again.status_code == 422


def test_the_receipt_json_follows_the_line_for_scripts(inbox: RunningInbox) -> None:
    answer = inbox.session().post(inbox.upload_url, data=FORMAT_1.read_bytes(), timeout=30)
    line, data = answer.text.splitlines()
    assert line.startswith("Received as ") and json.loads(data)["sha256"] == sha256_of(FORMAT_1)
    assert answer.headers["Content-Type"].startswith("text/plain")


def test_the_token_never_reaches_the_log(
    inbox: RunningInbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO")
    upload_bundle(FORMAT_1, inbox.upload_url)
    with pytest.raises(UploadFailed):
        upload_bundle(FORMAT_1, inbox.upload_url + "x")
    assert "received from 127.0.0.1" in caplog.text and "refused" in caplog.text
    assert inbox.token not in caplog.text


def test_requests_sends_the_bundle_through_its_reader(inbox: RunningInbox) -> None:
    # A helpdesk script with curl or requests: the raw body, any of the accepted types.
    with FORMAT_1.open("rb") as body:
        answer = requests.post(
            inbox.upload_url, data=body, headers={"Content-Type": "application/octet-stream"},
            verify=str(inbox.ca_file), timeout=30, proxies={"https": ""},
        )  # fmt: skip
    assert answer.status_code == 201


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 1 MiB file system (tmpfs) for the inbox's data folder."""
    with mounted_tmpfs(tmp_path / "full", "size=1m,mode=0700") as mount_point:
        yield mount_point


def test_an_inbox_out_of_disk_refuses_before_receiving(
    full_disk: Path, tmp_path: Path, ca: trustme.CA
) -> None:
    index = f"sqlite:///{tmp_path / 'index.sqlite3'}"  # the index elsewhere: only uploads lack room
    with running_inbox(tmp_path, index, ca, data=full_disk) as inbox:
        with pytest.raises(UploadFailed, match=r"HTTP 507 .*disk is full"):
            upload_bundle(FORMAT_1, inbox.upload_url)
        assert not list(full_disk.rglob("*.part"))
