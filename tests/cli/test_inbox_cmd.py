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
from pathlib import Path

import pytest

from tests.cli.test_run_cmd import wiresleuth
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
    assert secret and f"https://inbox.acme.example:8443/upload/{secret.group(1)}" in made.stdout
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


def test_serve_prints_its_fingerprint_receives_and_stops_on_sigterm(tmp_path: Path) -> None:
    from wiresleuth.inbox.certificate import _read

    data = ["--data", str(tmp_path / "inbox")]
    token = re.search(r"(wsu_[\w-]+)", wiresleuth("inbox", "token", "create", "t", *data).stdout)
    assert token
    process = subprocess.Popen(
        [sys.executable, "-m", "wiresleuth", "inbox", "serve", "--listen", "127.0.0.1:0", "--name", "localhost", *data],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        shown = _read_until(process, r"Ctrl-C stops it")
        port = re.search(r"listening on 127\.0\.0\.1:(\d+)", shown)
        assert port and "(self-signed, made now) for localhost" in shown
        assert "no engineer can sign in yet" in shown and "no upload token yet" not in shown
        cert = tmp_path / "inbox" / "tls" / "inbox-cert.pem"
        printed = re.search(r"SHA-256 fingerprint: ([0-9A-F:]{95})", shown)
        assert (
            printed and printed.group(1) == _read(cert, cert.with_name("inbox-key.pem")).fingerprint
        )
        # a computer told to trust this certificate (deployed to its store) sends to it
        trusting = {"SSL_CERT_FILE": str(cert), "SSL_CERT_DIR": str(tmp_path / "none"),
                    "XDG_CURRENT_DESKTOP": "none", "https_proxy": "", "HTTPS_PROXY": "",
                    "all_proxy": "", "ALL_PROXY": ""}  # fmt: skip
        url = f"https://localhost:{port.group(1)}/upload/{token.group(1)}"
        sent = wiresleuth("send", str(FORMAT_1), "--url", url, env=trusting)
        assert sent.returncode == 0, sent.stderr
        assert "The server answered: Received as " in sent.stdout
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            code = process.wait(30)
        finally:
            if process.poll() is None:
                process.kill()
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    with process.stderr:
        stderr = process.stderr.read().decode()
    assert code == 0, stderr
    assert (
        "received from 127.0.0.1: format-1.wsbundle" in stderr
        and "inbox stopped (SIGTERM)" in stderr
    )
    assert token.group(1) not in stderr and "Traceback" not in stderr
    assert os.listdir(tmp_path / "inbox" / "incoming") == []
