"""The helpdesk's upload token never lands in a bundle: a real run (``wiresleuth run`` as a
process, capture on when root) with a profile that holds a token twice - in
``upload_token`` and, as older profiles have it, in ``upload_url``'s path - and a plain-HTTP
site whose address carries it too (a helpdesk that pasted the upload address among the
sites), so the token really crosses the wire and the log. Every member's bytes are scanned:
the token, its hex (how the report keeps bytes) and its random part."""

from __future__ import annotations

import os
import secrets
import socket
import zipfile
from pathlib import Path

from tests.cli.cli_process import wiresleuth
from tests.probes.loopback_servers import LoopbackServer


def _new_token() -> str:
    return "wsu_" + secrets.token_urlsafe(32)  # the inbox's shape (inbox/tokens.py)


def _http_recording(seen: list[bytes]):  # type: ignore[no-untyped-def]
    def behave(conn: socket.socket) -> None:
        seen.append(conn.recv(4096))
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")

    return behave


def _leaks(data: bytes, token: str) -> list[str]:
    forms = {
        "token": token.encode(),
        "hex": token.encode().hex().encode(),
        "random part": token.removeprefix("wsu_").encode(),
    }
    return [name for name, form in forms.items() if form in data]


def test_no_member_of_a_real_bundle_holds_the_upload_token(tmp_path: Path) -> None:
    in_field, in_path = _new_token(), _new_token()
    seen: list[bytes] = []
    out = tmp_path / "run.wsbundle"
    with LoopbackServer(_http_recording(seen)) as site:
        profile = tmp_path / "profile.toml"
        profile.write_text(
            f'targets = ["http://127.0.0.1:{site.port}/upload/{in_path}"]\n'
            f'upload_url = "https://127.0.0.1:9/upload/{in_path}"\n'
            f'upload_token = "{in_field}"\n'
            '[helpdesk]\nname = "Desk"\n'
            "[budgets]\nrun = 20\nconnect = 1\ntls_handshake = 2\nicmp = 0.3\n",
            encoding="utf-8",
        )
        done = wiresleuth("run", "--profile", str(profile), "--out", str(out), timeout=120)
    assert done.returncode in (0, 1), done.stderr
    assert any(in_path.encode() in request for request in seen)  # it did cross the wire
    with zipfile.ZipFile(out) as bundle:
        members = {name: bundle.read(name) for name in bundle.namelist()}
    if os.geteuid() == 0:
        assert "capture.pcapng" in members  # the capture is among what was scanned
        assert b"/upload/" + b"*" * len(in_path) in members["capture.pcapng"]
    assert {"report.json", "report.html", "log.txt", "system.json", "manifest.json"} <= set(members)
    found = {
        (name, token_name, form)
        for name, data in members.items()
        for token_name, token in (("upload_token", in_field), ("upload_url path", in_path))
        for form in _leaks(data, token)
    }
    assert found == set()
    assert in_field not in done.stdout + done.stderr and in_path not in done.stdout + done.stderr
