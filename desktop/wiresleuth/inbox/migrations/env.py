"""Alembic's environment: migrate the connection ``database.migrate`` hands over.

No alembic.ini: the inbox configures Alembic in code (``database.alembic_config``), so the
same migrations run from a wheel, a source tree or a test. ``render_as_batch`` lets a later
migration alter a column on SQLite (which has no ALTER COLUMN) by copying the table.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool

from wiresleuth.inbox.tables import Base

_config = context.config


def _run() -> None:
    connection = _config.attributes.get("connection")
    if connection is None:  # the alembic command line, for developers
        url = _config.get_main_option("sqlalchemy.url") or ""
        engine = create_engine(url, poolclass=pool.NullPool)
        with engine.connect() as own:
            context.configure(connection=own, target_metadata=Base.metadata, render_as_batch=True)
            with context.begin_transaction():
                context.run_migrations()
        return
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


_run()
