"""``wiresleuth send BUNDLE``: the real command (a subprocess) against a real HTTPS helpdesk."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import trustme

from tests.bundle.sample_runs import uncaptured_run
from tests.cli.cli_process import wiresleuth
from tests.send.test_upload import HelpdeskServer
from wiresleuth.bundle.writer import write_bundle


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    return write_bundle(uncaptured_run(), tmp_path / "run.wsbundle")


def test_a_script_sends_a_bundle_with_its_ticket(
    trusted_sender: tuple[trustme.CA, dict[str, str]], bundle: Path, tmp_path: Path
) -> None:
    ca, env = trusted_sender
    server = HelpdeskServer(ca)
    try:
        done = wiresleuth("send", str(bundle), "--url", server.url, "--ticket", "INC-7", env=env)
    finally:
        server.close()
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Sent run.wsbundle (direct). The server answered: ticket 42"
    assert "Route to the helpdesk's server: direct" in done.stderr
    assert "100 % of" in done.stderr
    ((headers, body),) = server.received
    assert body == bundle.read_bytes() and headers["X-WireSleuth-Ticket"] == "INC-7"


def test_the_profile_gives_the_address(
    trusted_sender: tuple[trustme.CA, dict[str, str]], bundle: Path, tmp_path: Path
) -> None:
    ca, env = trusted_sender
    server = HelpdeskServer(ca)
    profile = tmp_path / "profile.toml"
    profile.write_text(f'targets = ["https://localhost/"]\nupload_url = "{server.url}"\n')
    try:
        done = wiresleuth("send", str(bundle), "--profile", str(profile), "--quiet", env=env)
    finally:
        server.close()
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # --quiet
    assert len(server.received) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "no upload address: give --url https://..., or a profile with upload_url"),
        (("--url", "http://localhost/upload"), "is not an https:// address"),
        (("--url", "https://localhost/u", "--ticket", "a\nb"), "ticket number may hold"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    trusted_sender: tuple[trustme.CA, dict[str, str]],
    bundle: Path,
    args: tuple[str, ...],
    message: str,
) -> None:
    _, env = trusted_sender
    done = wiresleuth("send", str(bundle), *args, env={**env, "HOME": str(bundle.parent)})
    assert done.returncode == 2
    assert message in done.stderr and done.stderr.count("\n") == 1


def test_not_a_bundle(tmp_path: Path) -> None:
    other = tmp_path / "notes.txt"
    other.write_text("hello")
    done = wiresleuth("send", str(other), "--url", "https://localhost/u")
    assert done.returncode == 2
    assert "is not a WireSleuth bundle" in done.stderr


def test_a_server_that_refuses_says_so_and_keeps_the_file(
    trusted_sender: tuple[trustme.CA, dict[str, str]], bundle: Path
) -> None:
    ca, env = trusted_sender
    server = HelpdeskServer(ca, status=503, answer=b"maintenance\n")
    try:
        done = wiresleuth("send", str(bundle), "--url", server.url, env=env)
    finally:
        server.close()
    assert done.returncode == 2
    assert "not sent: the server localhost refused the bundle: HTTP 503" in done.stderr
    assert f"the bundle is still at {bundle}" in done.stderr
    assert "Error" not in done.stderr


def test_ctrl_c_cancels_the_upload(
    trusted_sender: tuple[trustme.CA, dict[str, str]], tmp_path: Path
) -> None:
    """The server accepts and never answers the TLS greeting: Ctrl-C ends the wait."""
    import socket

    _, env = trusted_sender
    big = write_bundle(uncaptured_run(), tmp_path / "big.wsbundle")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    held: list[socket.socket] = []
    threading.Thread(target=lambda: held.append(listener.accept()[0]), daemon=True).start()
    child = subprocess.Popen(
        [sys.executable, "-m", "wiresleuth", "send", str(big), "--url",
         f"https://127.0.0.1:{port}/upload"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, **env},
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 20
        while not held and time.monotonic() < deadline:
            time.sleep(0.05)
        assert held, "the upload never connected"
        time.sleep(0.3)
        child.send_signal(signal.SIGINT)
        _, err = child.communicate(timeout=20)
    finally:
        child.kill()
        listener.close()
        for conn in held:
            conn.close()
    assert child.returncode == 2
    assert "Cancelling the upload" in err and "the upload was cancelled" in err
