"""The inbox's tests run against SQLite and PostgreSQL alike (``index_url`` is parametrised).

PostgreSQL is a server these tests start themselves (``postgres.py``), once per session;
each test gets its own database in it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from tests.inbox import postgres
from tests.inbox.running import RunningInbox, running_inbox

_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[postgres.PostgresServer]:
    try:
        server = postgres.start()
    except (FileNotFoundError, RuntimeError) as exc:
        pytest.skip(f"PostgreSQL could not be started here ({exc}); enable with: {postgres.ENABLE}")
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def index_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty index's URL: a SQLite file, or a new database on the test's PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'inbox.sqlite3'}"
    server: postgres.PostgresServer = request.getfixturevalue("postgres_server")
    return server.create_database(f"inbox_test_{next(_numbers)}")


@pytest.fixture
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def inbox(tmp_path: Path, index_url: str, ca: trustme.CA) -> Iterator[RunningInbox]:
    """A running inbox (SQLite and PostgreSQL), an engineer and an upload token."""
    with running_inbox(tmp_path, index_url, ca) as running:
        yield running
