"""A real Squid on 127.0.0.1 for the upload's route tests (no lab, no namespace): CONNECT
allowed to the ports given only, every request in ``access.log``.

Needs Debian's squid package and root (Squid drops to the ``proxy`` user); the tests skip
with the command that enables them otherwise. Its folder is made outside pytest's tmp_path,
whose parents the ``proxy`` user may not enter. Squid 5.7's facts are the lab's
(wiresleuth/lab/squid.py): ``shutdown_lifetime 0``, a log folder the ``proxy`` user owns,
about 0.1 s to accept after start.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.probes.loopback_servers import unused_port

SQUID = "/usr/sbin/squid"
ENABLE = "apt-get install squid (and run the tests as root)"
START_TIMEOUT = 15.0
STOP_TIMEOUT = 10.0


@dataclass
class LoopbackSquid:
    port: int
    folder: Path

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def access_log(self) -> str:
        """What Squid logged so far (it writes each line when a request ends)."""
        path = self.folder / "access.log"
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""


def _accepting(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


@contextlib.contextmanager
def loopback_squid(connect_ports: tuple[int, ...]) -> Iterator[LoopbackSquid]:
    """Squid on 127.0.0.1:PORT for the block; skips the test when it cannot run here."""
    if not Path(SQUID).exists() or os.geteuid() != 0:
        pytest.skip(f"a real Squid is needed for this test; enable with: {ENABLE}")
    try:
        user = pwd.getpwnam("proxy")
    except KeyError:
        pytest.skip(f"user 'proxy' missing; enable with: {ENABLE}")
    folder = Path(tempfile.mkdtemp(prefix="wiresleuth-squid-"))
    os.chown(folder, user.pw_uid, user.pw_gid)
    port = unused_port()
    ports = " ".join(str(p) for p in connect_ports)
    conf = folder / "squid.conf"
    conf.write_text(
        f"http_port 127.0.0.1:{port}\n"
        "visible_hostname squid.loopback.test\n"
        f"acl SSL_ports port {ports}\n"
        "acl CONNECT method CONNECT\n"
        "http_access deny CONNECT !SSL_ports\n"
        "http_access allow localhost\n"
        "http_access deny all\n"
        "cache deny all\n"
        "shutdown_lifetime 0 seconds\n"
        "cache_effective_user proxy\n"
        f"pid_filename {folder}/squid.pid\n"
        f"access_log stdio:{folder}/access.log\n"
        f"cache_log {folder}/cache.log\n"
        "cache_store_log none\n"
        f"coredump_dir {folder}\n"
        "logfile_rotate 0\n"
        "pinger_enable off\n",
        encoding="utf-8",
    )
    os.chmod(conf, 0o644)
    process = subprocess.Popen(
        [SQUID, "-N", "-f", str(conf)],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _accepting(port):
            if process.poll() is not None or time.monotonic() > deadline:
                log = (
                    (folder / "cache.log").read_text(errors="replace")[-2000:]
                    if (folder / "cache.log").exists()
                    else ""
                )
                raise RuntimeError(f"Squid did not start on 127.0.0.1:{port}: {log}")
            time.sleep(0.1)
        yield LoopbackSquid(port=port, folder=folder)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(STOP_TIMEOUT)
        if process.stderr is not None:
            process.stderr.close()
        shutil.rmtree(folder, ignore_errors=True)
