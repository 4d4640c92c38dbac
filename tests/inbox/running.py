"""A real inbox for tests: ``server.prepare`` + uvicorn in a thread, HTTPS on 127.0.0.1.

The certificate comes from trustme (a CA the test trusts), as ``--cert``/``--key`` would
give one; the index is whatever URL the test passes (SQLite or the test's PostgreSQL).
"""

from __future__ import annotations

import contextlib
import gc
import re
import threading
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import requests
import trustme

from wiresleuth.inbox import accounts, tokens
from wiresleuth.inbox.server import Prepared, ServeOptions, prepare
from wiresleuth.inbox.settings import InboxSettings, database_url
from wiresleuth.inbox.store import BundleStore

ENGINEER = "alice"
PASSWORD = "correct horse battery staple"
START_TIMEOUT = 20.0


@dataclass
class RunningInbox:
    """A served inbox and what a test needs to talk to it."""

    prepared: Prepared
    settings: InboxSettings
    url: str
    """``https://localhost:PORT``."""
    token: str
    ca_file: Path

    @property
    def store(self) -> BundleStore:
        return self.prepared.store

    @property
    def upload_url(self) -> str:
        return f"{self.url}/upload/{self.token}"

    def session(self) -> requests.Session:
        """A client trusting the inbox's CA, not signed in."""
        client = requests.Session()
        client.verify = str(self.ca_file)
        client.trust_env = False  # REQUESTS_CA_BUNDLE in the environment would win over verify
        return client

    def signed_in(self, name: str = ENGINEER, password: str = PASSWORD) -> requests.Session:
        """A client signed in through the sign-in form (CSRF cookie and token included)."""
        client = self.session()
        form = client.get(f"{self.url}/signin", timeout=10)
        csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
        assert csrf, form.text
        answer = client.post(
            f"{self.url}/signin",
            data={"csrf": csrf.group(1), "name": name, "password": password, "next": "/bundles"},
            headers={"Origin": self.url},
            allow_redirects=False,
            timeout=30,
        )
        assert answer.status_code == 303, answer.text
        return client


@contextlib.contextmanager
def running_inbox(
    folder: Path,
    index_url: str,
    ca: trustme.CA,
    data: Path | None = None,
    **settings_changes: object,
) -> Iterator[RunningInbox]:
    """An inbox served for the length of the block (an engineer and a token made); its
    data folder is ``data`` or one in ``folder``."""
    cert = ca.issue_cert("localhost", "127.0.0.1")
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert.cert_chain_pems[0].write_to_path(str(cert_file))
    cert.private_key_pem.write_to_path(str(key_file))
    ca_file = folder / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    data = data or folder / "inbox"
    settings = InboxSettings(
        data_dir=data, db_url=database_url(index_url, data), **settings_changes
    )  # type: ignore[arg-type]
    prepared = prepare(
        settings, ServeOptions(host="127.0.0.1", port=0, cert=cert_file, key=key_file)
    )
    prepared.server.config.timeout_graceful_shutdown = 2  # a test's client left open
    accounts.add_engineer(prepared.store.db, ENGINEER, PASSWORD)
    token = tokens.create_token(prepared.store.db, "tests").secret
    thread = threading.Thread(
        target=prepared.server.run, kwargs={"sockets": [prepared.sock]}, daemon=True
    )
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT
    while not prepared.server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the inbox did not start")
        time.sleep(0.02)
    port = prepared.sock.getsockname()[1]
    try:
        yield RunningInbox(
            prepared=prepared, settings=prepared.store.settings,
            url=f"https://localhost:{port}", token=token, ca_file=ca_file,
        )  # fmt: skip
    finally:
        gc.collect()  # a client's connection kept alive by a test's exception (a cycle)
        prepared.server.should_exit = True
        thread.join(15)
        prepared.sock.close()
        prepared.store.db.close()
        # Connections still in TLS shutdown when uvicorn's loop closed are collected here,
        # once the server is gone (a running inbox keeps no stray sockets: its descriptors
        # stay level over many uploads).
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            prepared.server.server_state.connections.clear()  # what uvicorn gave up on
            prepared.server.server_state.tasks.clear()
            gc.collect()
