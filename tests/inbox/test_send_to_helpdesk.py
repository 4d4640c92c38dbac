"""The two ends together, real parts only: a real inbox (``inbox.server.prepare`` and uvicorn
on 127.0.0.1, HTTPS with a trustme certificate this computer is told to trust), a token made
by the inbox, a profile holding ``upload_url`` and ``upload_token`` as ``inbox token create``
prints them, and the sender: ``send.to_helpdesk`` (what the window's Send runs in its worker)
and ``wiresleuth send`` as a process."""

from __future__ import annotations

import socket
import ssl
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme
from sqlalchemy import select

from tests.cli.cli_process import wiresleuth
from tests.inbox.running import RunningInbox, running_inbox
from tests.inbox.samples import FORMAT_1, lab_bundle, sha256_of
from wiresleuth.inbox import tokens
from wiresleuth.inbox.tables import BundleRow
from wiresleuth.profile.load import load_profile
from wiresleuth.send.to_helpdesk import send_to_helpdesk
from wiresleuth.send.upload import UploadFailed

REFUSED_401 = (
    "the server localhost refused the bundle: HTTP 401 Unauthorized "
    "(the upload token is missing, unknown or revoked)"
)
LIMIT = 1024 * 1024
"""The test inbox's largest bundle."""


@pytest.fixture
def inbox(
    tmp_path: Path, trusted_sender: tuple[trustme.CA, dict[str, str]]
) -> Iterator[RunningInbox]:
    (tmp_path / "server").mkdir()
    index = f"sqlite:///{tmp_path / 'server' / 'inbox.sqlite3'}"
    with running_inbox(
        tmp_path / "server", index, trusted_sender[0], max_bundle_bytes=LIMIT
    ) as running:
        yield running


def write_profile(folder: Path, inbox: RunningInbox, token: str, extra: str = "") -> Path:
    """A profile with the lines ``inbox token create`` prints (tests/cli/test_inbox_cmd.py)."""
    path = folder / "profile.toml"
    path.write_text(
        'targets = ["https://intranet.example.com/"]\n'
        f'upload_url = "{inbox.url}/upload"\n'
        f'upload_token = "{token}"\n'
        f"{extra}"
        '[helpdesk]\ncontact = "desk@corp.example"\n',
        encoding="utf-8",
    )
    return path


def stored(inbox: RunningInbox) -> list[BundleRow]:
    with inbox.store.db.session() as session:
        return list(session.scalars(select(BundleRow)))


def test_the_windows_send_path_delivers_and_its_receipt_matches_what_the_inbox_keeps(
    tmp_path: Path, inbox: RunningInbox
) -> None:
    profile = load_profile(write_profile(tmp_path, inbox, inbox.token))
    bundle = lab_bundle("C7")
    said: list[str] = []
    receipt = send_to_helpdesk(
        bundle, profile, ticket="INC-88", stage=said.append, routed=said.append
    )
    (row,) = stored(inbox)
    assert (receipt.bundle_id, receipt.sha256) == (row.id, row.sha256)
    assert receipt.sha256 == sha256_of(bundle)
    assert receipt.message == (
        f"Received as {row.id}, SHA-256 {row.sha256}, at {row.received_at.isoformat()}Z"
    )
    assert inbox.store.path_of(row).read_bytes() == bundle.read_bytes()
    assert (row.ticket, row.file_name) == ("INC-88", "C7.wsbundle")
    assert said == ["direct (from no proxy setting)", "Connecting to localhost…"]
    assert not any(inbox.token in text for text in [*said, receipt.message, repr(profile)])


def test_wiresleuth_send_prints_the_receipt_of_the_bundle_the_inbox_keeps(
    tmp_path: Path, inbox: RunningInbox, trusted_sender: tuple[trustme.CA, dict[str, str]]
) -> None:
    profile = write_profile(tmp_path, inbox, inbox.token)
    bundle = lab_bundle("C1")
    done = wiresleuth(
        "send", str(bundle), "--profile", str(profile), "--ticket", "INC-9", env=trusted_sender[1]
    )
    assert done.returncode == 0, done.stderr
    (row,) = stored(inbox)
    assert row.sha256 == sha256_of(bundle) and row.ticket == "INC-9"
    assert inbox.store.path_of(row).read_bytes() == bundle.read_bytes()
    assert done.stdout == (
        f"Sent C1.wsbundle (direct). The server answered: Received as {row.id}, "
        f"SHA-256 {row.sha256}, at {row.received_at.isoformat()}Z\n"
    )
    assert inbox.token not in done.stdout + done.stderr


@pytest.mark.parametrize("how", ["wrong", "revoked"])
def test_a_wrong_or_revoked_token_is_one_line_and_exit_2(
    tmp_path: Path, inbox: RunningInbox, trusted_sender: tuple[trustme.CA, dict[str, str]], how: str
) -> None:
    token = "wsu_" + "W" * 43 if how == "wrong" else inbox.token
    if how == "revoked":
        (live,) = tokens.list_tokens(inbox.store.db)
        tokens.revoke_token(inbox.store.db, live.id)
    profile = write_profile(tmp_path, inbox, token)
    done = wiresleuth(
        "send", str(FORMAT_1), "--profile", str(profile), "--quiet", env=trusted_sender[1]
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == (
        f"wiresleuth: not sent: {REFUSED_401}; the bundle is still at {FORMAT_1}\n"
    )
    assert token not in done.stderr
    with pytest.raises(UploadFailed) as caught:  # the window's path says the same
        send_to_helpdesk(FORMAT_1, load_profile(profile))
    assert str(caught.value) == REFUSED_401
    assert stored(inbox) == []


def test_an_older_profile_with_the_token_in_the_address_still_sends_and_never_shows_it(
    tmp_path: Path, inbox: RunningInbox, trusted_sender: tuple[trustme.CA, dict[str, str]]
) -> None:
    path = tmp_path / "old.toml"
    path.write_text(f'upload_url = "{inbox.upload_url}"\n', encoding="utf-8")
    said: list[str] = []
    receipt = send_to_helpdesk(FORMAT_1, load_profile(path), stage=said.append, routed=said.append)
    assert receipt.sha256 == sha256_of(FORMAT_1)
    done = wiresleuth("send", str(lab_bundle("C7")), "--profile", str(path), env=trusted_sender[1])
    assert done.returncode == 0, done.stderr
    assert not any(
        inbox.token in text for text in [*said, receipt.message, done.stdout, done.stderr]
    )
    # a revoked one is refused, and the refusal does not quote the address either
    (live,) = tokens.list_tokens(inbox.store.db)
    tokens.revoke_token(inbox.store.db, live.id)
    refused = wiresleuth(
        "--debug", "--verbose", "send", str(FORMAT_1), "--profile", str(path), env=trusted_sender[1]
    )
    assert refused.returncode == 2 and REFUSED_401 in refused.stderr
    assert inbox.token not in refused.stderr and "/upload/" not in refused.stderr


def _big_bundle(path: Path, size: int) -> Path:
    """A zip with a manifest (what ``wiresleuth send`` checks before sending) of ``size``
    bytes or more; the inbox refuses it by its size before it reads it."""
    import os

    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("manifest.json", b"{}")
        archive.writestr("capture.pcapng", os.urandom(size))
    return path


def test_a_bundle_too_large_is_refused_before_its_body_is_read(
    tmp_path: Path, inbox: RunningInbox, trusted_sender: tuple[trustme.CA, dict[str, str]]
) -> None:
    # The inbox answers a declared 10 GB without a byte of the body sent: it cannot have
    # waited for it, or read it.
    context = ssl.create_default_context(cafile=str(inbox.ca_file))
    port = int(inbox.url.rsplit(":", 1)[1])
    with (
        socket.create_connection(("127.0.0.1", port), timeout=10) as raw,
        context.wrap_socket(raw, server_hostname="localhost") as tls,
    ):
        tls.sendall(
            b"POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/zip\r\n"
            + f"Authorization: Bearer {inbox.token}\r\n".encode()
            + b"Content-Length: 10737418240\r\n\r\n"
        )
        answer = b""
        deadline = time.monotonic() + 10
        while not answer.endswith(b" bytes\n") and time.monotonic() < deadline:
            chunk = tls.recv(4096)
            if not chunk:
                break
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 413 "), answer
    assert b"this inbox takes bundles up to 1048576 bytes" in answer
    assert list(inbox.settings.incoming_dir.iterdir()) == []  # not a byte kept
    # and the sender, which waits for it (Expect: 100-continue), reads the refusal and says it
    big = _big_bundle(tmp_path / "big.wsbundle", 3 * LIMIT)
    profile = write_profile(tmp_path, inbox, inbox.token)
    done = wiresleuth("send", str(big), "--profile", str(profile), "--quiet", env=trusted_sender[1])
    assert done.returncode == 2
    assert done.stderr == (
        "wiresleuth: not sent: the server localhost refused the bundle: HTTP 413 Request Entity "
        f"Too Large (the bundle is {big.stat().st_size} bytes; this inbox takes bundles up to "
        f"{LIMIT} bytes); the bundle is still at {big}\n"
    )
    assert stored(inbox) == [] and list(inbox.settings.incoming_dir.iterdir()) == []


def _closing_line(caplog: pytest.LogCaptureFixture) -> str:
    """The inbox's line about closing a connection after an early answer (bounded wait)."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        for record in caplog.records:
            if "closed after an early answer" in record.getMessage():
                return record.getMessage()
        time.sleep(0.05)
    raise AssertionError("the inbox never closed the refused connection")


@pytest.mark.parametrize("why", ["too large", "unknown token"])
def test_a_refused_upload_is_answered_before_a_byte_of_the_bundle_is_sent(
    tmp_path: Path, inbox: RunningInbox, caplog: pytest.LogCaptureFixture, why: str
) -> None:
    """The window's path (``send_to_helpdesk``) against the real inbox: the refusal comes
    from the headers, the user reads why, and no byte of the bundle went (no progress; the
    inbox read nothing after its answer: the sender closed)."""
    import logging

    caplog.set_level(logging.INFO, logger="wiresleuth.inbox")
    big = why == "too large"
    bundle = _big_bundle(tmp_path / "big.wsbundle", 3 * LIMIT) if big else lab_bundle("C7")
    token = inbox.token if big else "wsu_" + "W" * 43
    sent: list[int] = []
    with pytest.raises(UploadFailed) as caught:
        send_to_helpdesk(
            bundle, load_profile(write_profile(tmp_path, inbox, token)),
            progress=lambda done, total: sent.append(done),
        )  # fmt: skip
    assert str(caught.value) == (
        "the server localhost refused the bundle: HTTP 413 Request Entity Too Large (the "
        f"bundle is {bundle.stat().st_size} bytes; this inbox takes bundles up to {LIMIT} bytes)"
        if big
        else REFUSED_401
    )
    assert sent == []
    line = _closing_line(caplog)
    assert ": 0 bytes it sent after the answer read and dropped (the client closed)" in line
    assert stored(inbox) == [] and list(inbox.settings.incoming_dir.iterdir()) == []


def test_a_sender_that_does_not_wait_still_reads_the_refusal_and_the_inbox_reads_little(
    tmp_path: Path,
    inbox: RunningInbox,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The sender without its wait for 100 Continue (as one behind a box that swallows the
    interim answer would be): it streams a 20 MiB bundle the inbox refused from the
    headers; the inbox drops at most LINGER_BYTES of it (and one TLS read) and resets the
    connection; the sender still reads the 413 it was sent, and says it."""
    import asyncio.sslproto
    import logging
    import re

    from wiresleuth.inbox.lingering import LINGER_BYTES
    from wiresleuth.send import expect_continue

    caplog.set_level(logging.INFO, logger="wiresleuth.inbox")
    monkeypatch.setattr(expect_continue, "CONTINUE_WAIT", 0.0)
    big = _big_bundle(tmp_path / "big.wsbundle", 20 * LIMIT)
    sent: list[int] = []
    with pytest.raises(UploadFailed) as caught:
        send_to_helpdesk(
            big, load_profile(write_profile(tmp_path, inbox, inbox.token)),
            progress=lambda done, total: sent.append(done),
        )  # fmt: skip
    assert str(caught.value).startswith(
        f"the server localhost refused the bundle: HTTP 413 Request Entity Too Large (the "
        f"bundle is {big.stat().st_size} bytes"
    )
    assert sent and sent[-1] < big.stat().st_size  # it did start sending, and was cut
    line = _closing_line(caplog)
    found = re.search(r": (\d+) bytes it sent after the answer read and dropped \((.*)\)", line)
    assert found and found.group(2) == f"{LINGER_BYTES} bytes read", line
    assert int(found.group(1)) < LINGER_BYTES + asyncio.sslproto.SSLProtocol.max_size
    assert stored(inbox) == [] and list(inbox.settings.incoming_dir.iterdir()) == []


def test_a_good_upload_lands_whole_after_the_inbox_says_continue(
    tmp_path: Path, inbox: RunningInbox
) -> None:
    """A lab bundle (two blocks) goes after the inbox's 100 Continue and is kept byte for
    byte; the progress reaches its size."""
    bundle = lab_bundle("C1")
    sent: list[int] = []
    receipt = send_to_helpdesk(
        bundle, load_profile(write_profile(tmp_path, inbox, inbox.token)),
        progress=lambda done, total: sent.append(done),
    )  # fmt: skip
    (row,) = stored(inbox)
    assert inbox.store.path_of(row).read_bytes() == bundle.read_bytes()
    assert receipt.sha256 == row.sha256 == sha256_of(bundle)
    assert sent[-1] == bundle.stat().st_size and sent == sorted(sent)


def test_the_token_goes_to_the_profiles_upload_server_only(
    tmp_path: Path, inbox: RunningInbox, trusted_sender: tuple[trustme.CA, dict[str, str]]
) -> None:
    from tests.send.test_upload import HelpdeskServer

    other = HelpdeskServer(trusted_sender[0])
    try:
        profile = write_profile(tmp_path, inbox, inbox.token)
        done = wiresleuth("send", str(FORMAT_1), "--profile", str(profile), "--url", other.url,
                          env=trusted_sender[1])  # fmt: skip
    finally:
        other.close()
    assert done.returncode == 0, done.stderr
    ((headers, body),) = other.received
    assert body == FORMAT_1.read_bytes()
    assert "Authorization" not in headers and inbox.token not in str(headers)


def _inbox_port(inbox: RunningInbox) -> int:
    return int(inbox.url.rsplit(":", 1)[1])


def test_the_upload_goes_through_the_profiles_proxy_a_real_squid(
    tmp_path: Path, inbox: RunningInbox, trusted_sender: tuple[trustme.CA, dict[str, str]]
) -> None:
    from tests.send.squid_loopback import loopback_squid

    with loopback_squid((_inbox_port(inbox),)) as squid:
        profile = write_profile(tmp_path, inbox, inbox.token, extra=f'proxy = "{squid.address}"\n')
        done = wiresleuth("send", str(FORMAT_1), "--profile", str(profile), env=trusted_sender[1])
        log = squid.access_log()
    assert done.returncode == 0, done.stderr
    assert (
        f"Route to the helpdesk's server: proxy {squid.address} (from helpdesk profile)"
        in done.stderr
    )
    (row,) = stored(inbox)
    assert done.stdout.startswith(f"Sent format-1.wsbundle (proxy {squid.address}).")
    assert f"Received as {row.id}, SHA-256 {sha256_of(FORMAT_1)}" in done.stdout
    # Squid tunnelled it (CONNECT, then TLS end to end): it saw the server, never the token
    assert f"CONNECT localhost:{_inbox_port(inbox)}" in log and "TCP_TUNNEL/200" in log
    assert inbox.token not in log and "/upload" not in log


def test_this_computers_proxy_setting_routes_the_upload_through_squid(
    tmp_path: Path, inbox: RunningInbox, trusted_sender: tuple[trustme.CA, dict[str, str]]
) -> None:
    """No proxy in the profile: the upload follows the computer's setting (the environment's
    https_proxy here, what the OS adapter reads on this desktop-less Linux)."""
    from tests.send.squid_loopback import loopback_squid

    with loopback_squid((_inbox_port(inbox),)) as squid:
        profile = write_profile(tmp_path, inbox, inbox.token)
        env = {**trusted_sender[1], "https_proxy": f"http://{squid.address}"}
        done = wiresleuth("send", str(FORMAT_1), "--profile", str(profile), env=env)
        log = squid.access_log()
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"Sent format-1.wsbundle (proxy {squid.address}).")
    assert f"CONNECT localhost:{_inbox_port(inbox)}" in log
    assert len(stored(inbox)) == 1


def test_a_pac_decides_the_route_and_is_never_told_the_address_path(
    tmp_path: Path, inbox: RunningInbox, trusted_sender: tuple[trustme.CA, dict[str, str]]
) -> None:
    """An older profile keeps the token in the address; the PAC (fetched from the network,
    free to send what it is told anywhere) is asked about the server only, as browsers do."""
    from tests.probes.pac_servers import ScriptedTcp, http_reply
    from tests.send.squid_loopback import loopback_squid

    port = _inbox_port(inbox)
    with loopback_squid((port,)) as squid:
        script = (
            "function FindProxyForURL(url, host) {"
            f" if (url == 'https://localhost:{port}/') return 'PROXY {squid.address}';"
            " return 'PROXY 127.0.0.1:9'; }"  # told more than the server: a dead proxy
        ).encode()
        reply = http_reply("200 OK", script, ctype="application/x-ns-proxy-autoconfig")
        with ScriptedTcp(reply) as pac:
            path = tmp_path / "old.toml"
            path.write_text(
                f'pac_url = "http://127.0.0.1:{pac.port}/proxy.pac"\n'
                f'upload_url = "{inbox.upload_url}"\n',
                encoding="utf-8",
            )
            done = wiresleuth("send", str(FORMAT_1), "--profile", str(path), env=trusted_sender[1])
        log = squid.access_log()
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"Sent format-1.wsbundle (proxy {squid.address}).")
    assert f"CONNECT localhost:{port}" in log and inbox.token not in log
    assert inbox.token not in done.stdout + done.stderr


def _texts(widget: object) -> str:
    """Every text a person (or a screen reader) can get from ``widget`` and its children."""
    from PySide6.QtWidgets import QWidget

    assert isinstance(widget, QWidget)
    found: list[str] = []
    for item in [widget, *widget.findChildren(QWidget)]:
        for name in ("text", "toPlainText", "toHtml", "windowTitle", "toolTip", "statusTip",
                     "accessibleName", "accessibleDescription", "placeholderText", "whatsThis"):  # fmt: skip
            getter = getattr(item, name, None)
            if callable(getter):
                try:
                    value = getter()
                except TypeError:
                    continue
                if isinstance(value, str):
                    found.append(value)
    return "\n".join(found)


@pytest.mark.qt
def test_the_window_shows_the_receipt_and_never_the_token(
    qtbot: object, home: Path, inbox: RunningInbox
) -> None:
    """A real run in the window, Save, Send with a profile that has no helpdesk name (the
    dialog then names the server): the receipt is shown; no text of the window or the dialog
    holds the token or the address's path, after success and after a refusal."""
    import dataclasses

    from PySide6.QtCore import Qt
    from pytestqt.qtbot import QtBot

    from tests.gui.conftest import loopback_profile
    from tests.gui.window_send import run_in_window, save_and_open_send
    from wiresleuth.gui.qt_upload_dialog import QtUploadDialog
    from wiresleuth.profile.model import Helpdesk

    assert isinstance(qtbot, QtBot)
    saved = home / "sent.wsbundle"
    window = run_in_window(
        qtbot,
        lambda target: dataclasses.replace(
            loopback_profile(target, upload_url=f"{inbox.url}/upload"),
            upload_token=inbox.token,
            helpdesk=Helpdesk(),
        ),
    )
    upload = save_and_open_send(qtbot, window, saved)
    before = _texts(upload)
    assert f"to {inbox.url}." in before  # the server, named without the path
    qtbot.mouseClick(upload.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: upload.receipt is not None or upload.error is not None, timeout=30_000)
    assert upload.error is None, upload.error
    (row,) = stored(inbox)
    assert f"Received as {row.id}, SHA-256 {sha256_of(saved)}" in upload.label.text()
    assert (upload.receipt.bundle_id, upload.receipt.sha256) == (row.id, row.sha256)
    assert "The SHA-256 is that of your file: the helpdesk has it whole." in upload.label.text()
    shown = "\n".join([before, _texts(upload), _texts(window)])
    assert inbox.token not in shown
    # an older profile: the token in the address; this one revoked, so the inbox refuses it
    (live,) = tokens.list_tokens(inbox.store.db)
    tokens.revoke_token(inbox.store.db, live.id)
    old = dataclasses.replace(window.profile, upload_url=inbox.upload_url, upload_token=None)
    refused = QtUploadDialog(saved, inbox.upload_url, old)
    qtbot.addWidget(refused)
    refused.show()
    opening = _texts(refused)
    refused.start()
    qtbot.waitUntil(lambda: refused.error is not None, timeout=30_000)
    assert REFUSED_401 in refused.label.text()
    shown = "\n".join([opening, _texts(refused)])
    assert inbox.token not in shown and "/upload" not in shown
