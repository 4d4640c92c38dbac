from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from wiresleuth.inbox import database
from wiresleuth.inbox.errors import InboxError
from wiresleuth.inbox.settings import database_url
from wiresleuth.inbox.tables import Base


def test_a_new_index_is_migrated_to_the_newest_revision(index_url: str) -> None:
    url = database_url(index_url, Path("."))
    db = database.Database(url)
    try:
        assert database.revision_of(db.engine) == database.head()
        tables = set(inspect(db.engine).get_table_names())
        assert {"bundles", "findings", "facets", "upload_tokens", "engineers"} <= tables
        # The tables the program uses are the ones the migrations built: a column added to
        # tables.py without a migration shows up here.
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        assert differences == []
    finally:
        db.close()


def test_migrations_go_down_and_up_again(index_url: str) -> None:
    url = database_url(index_url, Path("."))
    db = database.Database(url)
    try:
        with db.engine.begin() as connection:
            config = database.alembic_config(url)
            config.attributes["connection"] = connection
            command.downgrade(config, "base")
        assert "bundles" not in inspect(db.engine).get_table_names()
    finally:
        db.close()
    again = database.Database(url)
    try:
        assert "bundles" in inspect(again.engine).get_table_names()
    finally:
        again.close()


def test_an_index_that_cannot_be_opened_is_named_without_its_password(tmp_path: Path) -> None:
    with pytest.raises(InboxError, match=r"cannot open the inbox's index sqlite:///.*nowhere"):
        database.Database(f"sqlite:///{tmp_path / 'nowhere' / 'x.sqlite3'}")
    url = database_url("postgresql://someone:secret@127.0.0.1:1/inbox", tmp_path)
    with pytest.raises(InboxError) as raised:
        database.Database(url)
    assert "secret" not in str(raised.value) and "someone:***@127.0.0.1:1" in str(raised.value)
