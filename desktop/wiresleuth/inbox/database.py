"""Open the index (SQLite or PostgreSQL) and bring its tables to the newest revision.

Migrations run at every start (``alembic upgrade head``): an inbox updated in place upgrades
its own index, on either database, with nothing for the helpdesk to run by hand.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from wiresleuth.inbox.errors import InboxError
from wiresleuth.inbox.settings import shown_url

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    """Alembic configured in code: our migrations folder, this database."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")  # ON DELETE CASCADE needs it
    cursor.execute("PRAGMA journal_mode=WAL")  # readers do not wait for an upload's insert
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def create(url: str) -> Engine:
    """An engine for ``url`` (no connection made yet)."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


def revision_of(engine: Engine) -> str | None:
    """The index's revision now (None: no tables yet)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head() -> str:
    """The newest revision this program knows."""
    found = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert found is not None
    return found


class Database:
    """The index's engine and sessions, migrated to the newest revision."""

    def __init__(self, url: str) -> None:
        self.url = url
        try:
            self.engine = create(url)
            before = revision_of(self.engine)
            if before != head():
                with self.engine.begin() as connection:
                    config = alembic_config(url)
                    config.attributes["connection"] = connection
                    command.upgrade(config, "head")
                log.info("index %s: revision %s -> %s", shown_url(url), before, head())
        except ModuleNotFoundError:
            raise
        except (SQLAlchemyError, OSError) as exc:
            raise InboxError(
                f"cannot open the inbox's index {shown_url(url)}: {_reason(exc)}"
            ) from exc
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    def refresh_statistics(self) -> None:
        """``ANALYZE``: the planners' row counts, so that a filtered grouping goes through the
        selective index (run at start and with every retention sweep)."""
        with self.engine.begin() as connection:
            connection.execute(text("ANALYZE"))

    def session(self) -> Session:
        """A new session (use ``with db.session() as s, s.begin():``)."""
        return self.sessions()

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def _reason(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
