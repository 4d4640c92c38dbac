"""The inbox's tests run against SQLite and PostgreSQL alike (``index_url`` is parametrised).

PostgreSQL is a server these tests start themselves (``postgres.py``), once per session;
each test gets its own database in it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.inbox import postgres

_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[postgres.PostgresServer]:
    folder = tmp_path_factory.mktemp("postgres")
    try:
        server = postgres.start(folder)
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
