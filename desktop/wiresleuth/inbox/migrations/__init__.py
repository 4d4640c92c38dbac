"""Alembic's migrations of the index (``env.py`` and ``versions/``), run by ``database.py``."""
