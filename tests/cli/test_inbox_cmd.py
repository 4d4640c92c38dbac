"""``wiresleuth inbox``: the server as a process (its first lines, the fingerprint, an upload
from the window's code, SIGTERM), the upkeep commands, and one line when the extra is
missing."""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.cli.cli_process import wiresleuth
from tests.inbox.samples import FORMAT_1
from wiresleuth.cli.inbox_cmd import EXTRA_MISSING


@pytest.mark.parametrize("blocked", ["starlette", "sqlalchemy", "argon2", "wiresleuth.inbox"])
def test_without_the_extra_one_line_says_what_to_install(tmp_path: Path, blocked: str) -> None:
    code = (
        "import sys\n"
        f"sys.modules[{blocked!r}] = None\n"
        "from wiresleuth.cli.main import main\n"
        f"sys.exit(main(['inbox', 'serve', '--data', {str(tmp_path)!r}]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 2
    assert done.stderr == f"wiresleuth inbox: {EXTRA_MISSING}\n"
    assert EXTRA_MISSING == "install the inbox extra: pip install 'wiresleuth[inbox]'"


def test_tokens_engineers_and_deletion_from_the_command_line(tmp_path: Path) -> None:
    data = ["--data", str(tmp_path / "inbox")]
    made = wiresleuth(
        "inbox",
        "token",
        "create",
        "ACME branches",
        "--url",
        "https://inbox.acme.example:8443",
        *data,
    )
    assert made.returncode == 0, made.stderr
    secret = re.search(r"(wsu_[\w-]+)", made.stdout)
    assert secret
    listed = wiresleuth("inbox", "token", "list", *data)
    assert (
        "ACME branches\tlive\t0 uploads, never used" in listed.stdout
        and secret.group(1) not in listed.stdout
    )
    assert wiresleuth("inbox", "token", "revoke", "1", *data).returncode == 0
    assert "revoked" in wiresleuth("inbox", "token", "list", *data).stdout
    unknown = wiresleuth("inbox", "token", "revoke", "7", *data)
    assert (
        unknown.returncode == 2
        and unknown.stderr.count("\n") == 1
        and "no upload token with id 7" in unknown.stderr
    )
    added = subprocess.run(
        [sys.executable, "-m", "wiresleuth", "inbox", "engineer", "add", "dana", "--password-stdin", *data],
        input="a password long enough\n", capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert added.returncode == 0 and "dana may now sign in" in added.stdout
    assert "dana\tsince" in wiresleuth("inbox", "engineer", "list", *data).stdout
    gone = wiresleuth("inbox", "delete", "nosuchid", *data)
    assert gone.returncode == 2 and "no such bundle: nosuchid" in gone.stderr
    bad = wiresleuth("inbox", "serve", "--db", "mysql://root:pw@db/x", *data)
    assert bad.returncode == 2 and "pw" not in bad.stderr and bad.stderr.count("\n") == 1


def test_token_create_prints_exactly_the_profile_lines_a_helpdesk_pastes(tmp_path: Path) -> None:
    from wiresleuth.inbox.database import Database
    from wiresleuth.inbox.tokens import check_token
    from wiresleuth.profile.load import load_profile

    data = ["--data", str(tmp_path / "inbox")]
    made = wiresleuth(
        "inbox", "token", "create", "ACME branches", "--url", "https://inbox.acme.example:8443/", *data
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    lines = made.stdout.splitlines()
    secret = re.fullmatch(r'upload_token = "(wsu_[A-Za-z0-9_-]{43})"', lines[2])
    assert secret, made.stdout
    assert (
        lines[:2]
        == [
            "# WireSleuth inbox upload token 1: keep these lines before the first [section]",
            'upload_url = "https://inbox.acme.example:8443/upload"',
        ]
        and len(lines) == 3
    )
    # the notes are on stderr, so `>> profile.toml` adds the lines and nothing else
    assert "Token 1 for ACME branches" in made.stderr and secret.group(1) not in made.stderr
    assert "INBOX-HOST" not in made.stdout + made.stderr
    # pasted into a profile (before its first section), the program reads them as printed
    profile = tmp_path / "profile.toml"
    profile.write_text(
        'targets = ["https://intranet.example.com/"]\n' + made.stdout + '[helpdesk]\nname = "IT"\n',
        encoding="utf-8",
    )
    read = load_profile(profile)
    assert read.upload_url == "https://inbox.acme.example:8443/upload"
    assert read.upload_token == secret.group(1)
    db = Database(f"sqlite:///{tmp_path / 'inbox' / 'inbox.sqlite3'}")
    try:
        assert check_token(db, secret.group(1)) == 1  # the inbox takes the token printed
    finally:
        db.close()
    # without --url the address is a placeholder, and stderr says to replace it
    bare = wiresleuth("inbox", "token", "create", "B", *data)
    assert 'upload_url = "https://INBOX-HOST:8443/upload"' in bare.stdout
    assert "Replace INBOX-HOST:8443" in bare.stderr
    # an address a profile cannot hold is refused before a token is made
    for wrong in ("http://inbox:8443", "https://u:p@inbox", "https://inbox/?a=1", 'https://in"box'):
        refused = wiresleuth("inbox", "token", "create", "C", "--url", wrong, *data)
        assert refused.returncode == 2 and refused.stdout == "", (wrong, refused.stdout)
        assert refused.stderr.count("\n") == 1
    assert "\t" + "C\t" not in wiresleuth("inbox", "token", "list", *data).stdout


def _read_until(process: subprocess.Popen[bytes], pattern: str, timeout: float = 60) -> str:
    """What the process printed up to a line matching ``pattern`` (bounded)."""
    assert process.stdout is not None
    seen = b""
    deadline = time.monotonic() + timeout
    while not re.search(pattern, seen.decode(errors="replace")):
        left = deadline - time.monotonic()
        assert left > 0, f"no {pattern!r} in: {seen!r}"
        ready, _, _ = select.select([process.stdout], [], [], left)
        chunk = os.read(process.stdout.fileno(), 65536) if ready else b""
        if not chunk and process.poll() is not None:
            raise AssertionError(f"the inbox ended: {seen!r}")
        seen += chunk
    return seen.decode()


@dataclass
class Served:
    """``wiresleuth inbox serve`` as a process: what it printed on starting, and once it
    has been stopped with SIGTERM, its exit code and log."""

    process: subprocess.Popen[bytes]
    shown: str = ""
    code: int | None = None
    log: str = ""


@contextmanager
def serving(data: Path, listen: str) -> Iterator[Served]:
    """The inbox with its data in ``data``, up to its "Ctrl-C stops it" line; stopped with
    SIGTERM on leaving (killed when it does not end within 30 s)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "wiresleuth", "inbox", "serve", "--listen", listen,
         "--name", "localhost", "--data", str(data)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    served = Served(process)
    try:
        served.shown = _read_until(process, r"Ctrl-C stops it")
        yield served
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            served.code = process.wait(30)
        finally:
            if process.poll() is None:
                process.kill()
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()
        with process.stderr:
            served.log = process.stderr.read().decode()


def trusting(cert: Path, tmp_path: Path) -> dict[str, str]:
    """The environment of a computer whose store holds only ``cert`` (as a helpdesk deploys
    the inbox's) and that no proxy setting steers."""
    return {"SSL_CERT_FILE": str(cert), "SSL_CERT_DIR": str(tmp_path / "none"),
            "XDG_CURRENT_DESKTOP": "none", "https_proxy": "", "HTTPS_PROXY": "",
            "all_proxy": "", "ALL_PROXY": ""}  # fmt: skip


def test_serve_prints_its_fingerprint_receives_and_stops_on_sigterm(tmp_path: Path) -> None:
    from wiresleuth.inbox.certificate import _read

    data = ["--data", str(tmp_path / "inbox")]
    token = re.search(r"(wsu_[\w-]+)", wiresleuth("inbox", "token", "create", "t", *data).stdout)
    assert token
    with serving(tmp_path / "inbox", "127.0.0.1:0") as served:
        shown = served.shown
        port = re.search(r"listening on 127\.0\.0\.1:(\d+)", shown)
        assert port and "(self-signed, made now) for localhost" in shown
        assert "no engineer can sign in yet" in shown and "no upload token yet" not in shown
        cert = tmp_path / "inbox" / "tls" / "inbox-cert.pem"
        printed = re.search(r"SHA-256 fingerprint: ([0-9A-F:]{95})", shown)
        assert (
            printed and printed.group(1) == _read(cert, cert.with_name("inbox-key.pem")).fingerprint
        )
        # a computer told to trust this certificate (deployed to its store) sends to it
        url = f"https://localhost:{port.group(1)}/upload/{token.group(1)}"
        sent = wiresleuth("send", str(FORMAT_1), "--url", url, env=trusting(cert, tmp_path))
        assert sent.returncode == 0, sent.stderr
        assert "The server answered: Received as " in sent.stdout
    stderr = served.log
    assert served.code == 0, stderr
    assert (
        "received from 127.0.0.1: format-1.wsbundle" in stderr
        and "inbox stopped (SIGTERM)" in stderr
    )
    assert token.group(1) not in stderr and "Traceback" not in stderr
    assert os.listdir(tmp_path / "inbox" / "incoming") == []


def test_the_printed_profile_lines_send_to_the_served_inbox_until_the_token_is_revoked(
    tmp_path: Path,
) -> None:
    """All commands, as processes: ``token create`` prints the profile lines, ``serve`` runs
    with its own certificate, ``wiresleuth send --profile`` delivers and prints the receipt
    of the very file the inbox keeps; revoked, the same profile gets one line and exit 2."""
    import hashlib
    import socket

    from tests.inbox.samples import lab_bundle

    data = ["--data", str(tmp_path / "inbox")]
    with socket.socket() as spare:
        spare.bind(("127.0.0.1", 0))
        port = spare.getsockname()[1]
    made = wiresleuth("inbox", "token", "create", "branch", "--url", f"https://localhost:{port}",
                      *data)  # fmt: skip
    assert made.returncode == 0, made.stderr
    token = re.search(r'upload_token = "(wsu_[\w-]+)"', made.stdout)
    assert token
    profile = tmp_path / "profile.toml"
    profile.write_text(made.stdout + '[helpdesk]\nname = "Branch IT"\n', encoding="utf-8")
    bundle = lab_bundle("C7")
    with serving(tmp_path / "inbox", f"127.0.0.1:{port}") as served:
        env = trusting(tmp_path / "inbox" / "tls" / "inbox-cert.pem", tmp_path)
        sent = wiresleuth("send", str(bundle), "--profile", str(profile), env=env)
        assert sent.returncode == 0, sent.stderr
        receipt = re.fullmatch(
            r"Sent C7\.wsbundle \(direct\)\. The server answered: Received as (\w{10}), "
            r"SHA-256 ([0-9a-f]{64}), at \S+Z\n",
            sent.stdout,
        )
        assert receipt, sent.stdout
        assert receipt.group(2) == hashlib.sha256(bundle.read_bytes()).hexdigest()
        kept = [p for p in (tmp_path / "inbox" / "bundles").rglob("*") if p.is_file()]
        assert [p.read_bytes() for p in kept] == [bundle.read_bytes()]
        assert wiresleuth("inbox", "token", "revoke", "1", *data).returncode == 0
        refused = wiresleuth("send", str(bundle), "--profile", str(profile), "--quiet", env=env)
        assert refused.returncode == 2 and refused.stdout == ""
        assert refused.stderr == (
            "wiresleuth: not sent: the server localhost refused the bundle: HTTP 401 "
            "Unauthorized (the upload token is missing, unknown or revoked); the bundle is "
            f"still at {bundle}\n"
        )
        shown = sent.stdout + sent.stderr + refused.stderr
        assert token.group(1) not in shown
    log = served.log
    assert served.code == 0, log
    assert f"bundle {receipt.group(1)} received from 127.0.0.1: C7.wsbundle" in log
    assert "refused: the upload token is missing, unknown or revoked" in log
    assert token.group(1) not in log and "Traceback" not in log
