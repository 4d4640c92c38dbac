"""A PostgreSQL server of the test's own: initdb and pg_ctl into a temporary folder.

Debian's ``postgresql`` package (scripts/apt-packages.txt) brings the binaries; no system
service is used or needed. The cluster listens on 127.0.0.1 on a free port, with password
(SCRAM) authentication like a real one, and its socket in its own folder. As root, the
server runs as the ``postgres`` user (initdb refuses root). Every wait is bounded; ``stop``
ends it (fast shutdown, then SIGKILL of its postmaster).
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.probes.loopback_servers import unused_port

START_TIMEOUT = 60.0
USER = "inbox"
ENABLE = "apt-get install postgresql"


def binaries() -> Path | None:
    """The folder holding initdb and pg_ctl: on PATH, else Debian's newest version."""
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(found).resolve().parent
    versions = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    return Path(versions[-1]).parent if versions else None


@dataclass
class PostgresServer:
    """A running cluster: ``url(db)`` for SQLAlchemy, ``create_database`` for a test."""

    folder: Path
    port: int
    password: str
    bin: Path
    run_as: str | None

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{USER}:{self.password}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """A new, empty database; its URL."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True, connect_timeout=10) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def _command(self, *argv: str) -> list[str]:
        if self.run_as is None:
            return list(argv)
        return ["runuser", "-u", self.run_as, "--", *argv]

    def stop(self) -> None:
        data = self.folder / "data"
        subprocess.run(
            self._command(
                str(self.bin / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "-t", "20", "stop"
            ),
            capture_output=True,
            timeout=40,
            check=False,
        )
        pid_file = data / "postmaster.pid"
        if pid_file.exists():  # still there: it did not stop
            with contextlib.suppress(ValueError, OSError, IndexError):
                os.kill(int(pid_file.read_text().split()[0]), signal.SIGKILL)
        if self.folder.name.startswith("wiresleuth-postgres-"):
            shutil.rmtree(self.folder, ignore_errors=True)


def start(folder: Path | None = None) -> PostgresServer:
    """initdb + pg_ctl start in ``folder`` (default: a new one under /tmp, removed by
    ``stop``); RuntimeError (with PostgreSQL's own words) when it fails."""
    bin_dir = binaries()
    if bin_dir is None:
        raise FileNotFoundError(f"PostgreSQL is not installed ({ENABLE})")
    run_as = None
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError as exc:
            raise FileNotFoundError(f"no 'postgres' user to run the server as ({ENABLE})") from exc
        run_as = "postgres"
    if folder is None:
        # Its own folder straight under /tmp: the server's user must reach it, and a test's
        # temporary folders are private to root.
        folder = Path(tempfile.mkdtemp(prefix="wiresleuth-postgres-", dir="/tmp"))
    folder.mkdir(parents=True, exist_ok=True)
    password = secrets.token_hex(12)
    (folder / "pw").write_text(password + "\n")
    if run_as is not None:
        os.chown(folder, owner.pw_uid, owner.pw_gid)
        os.chown(folder / "pw", owner.pw_uid, owner.pw_gid)
    server = PostgresServer(folder, 0, password, bin_dir, run_as)
    data = folder / "data"
    done = subprocess.run(
        server._command(
            str(bin_dir / "initdb"), "-D", str(data), "-U", USER, f"--pwfile={folder / 'pw'}",
            "--auth=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync",
        ),
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"initdb failed: {done.stderr.strip()[-800:]}")
    for attempt in range(3):  # a free port can be taken between the probe and the start
        server.port = unused_port()
        options = f"-h 127.0.0.1 -p {server.port} -k {folder} -c fsync=off -c full_page_writes=off"
        done = subprocess.run(
            server._command(
                str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l",
                str(folder / "server.log"), "-w", "-t", str(int(START_TIMEOUT)), "start",
            ),
            capture_output=True, text=True, timeout=START_TIMEOUT + 20, check=False,
        )  # fmt: skip
        if done.returncode == 0:
            _wait_for(server)
            return server
        log = (folder / "server.log").read_text(errors="replace")[-800:]
        if "could not bind" not in log or attempt == 2:
            raise RuntimeError(f"pg_ctl start failed: {done.stderr.strip()} {log}")
    raise AssertionError("unreachable")


def _wait_for(server: PostgresServer) -> None:
    import psycopg

    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            with psycopg.connect(server.url(), connect_timeout=5):
                return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@contextlib.contextmanager
def running(folder: Path | None = None) -> Iterator[PostgresServer]:
    """A server for the length of the block."""
    server = start(folder)
    try:
        yield server
    finally:
        server.stop()
