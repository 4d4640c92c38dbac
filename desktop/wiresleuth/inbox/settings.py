"""Where the inbox keeps its files and index, and the limits it enforces.

One frozen object, made once by the command line and handed to every part, so that a
limit is written in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import platformdirs

from wiresleuth.errors import BadInput

MiB = 1024 * 1024

DEFAULT_MAX_BUNDLE = 1024 * MiB
"""Largest upload accepted: the bundle reader's own limit for a capture (1 GiB) plus room
for the other members would be more, but a bundle larger than this is not one a run wrote
(a capture is copied from at most 256 MiB of input)."""
DEFAULT_RETENTION_DAYS = 90
"""Bundles older than this are deleted (file and rows); 0 keeps them for ever."""
DEFAULT_UPLOAD_SLOTS = 4
"""Uploads received at once; more are answered 503 with Retry-After (each one is checked
in a worker thread, reading the whole file)."""
DEFAULT_IDLE_SECONDS = 60.0
"""An upload whose body stalls this long is given up (408): a slow sender cannot hold a
slot for ever."""
DB_ENV = "WIRESLEUTH_INBOX_DB"
"""The database URL, as ``--db`` (keeps a password off the command line)."""


def default_data_dir() -> Path:
    """The per-user data folder (``~/.local/share/wiresleuth-inbox`` on Linux)."""
    return Path(platformdirs.user_data_dir("wiresleuth-inbox", appauthor=False))


def database_url(given: str | None, data_dir: Path) -> str:
    """The SQLAlchemy URL: SQLite in the data folder unless ``given``; ``postgresql://`` is
    taken to mean the psycopg (v3) driver. BadInput for anything else."""
    if not given:
        return f"sqlite:///{(data_dir / 'inbox.sqlite3').absolute()}"
    scheme, sep, rest = given.partition("://")
    if not sep:
        raise BadInput(f"--db {shown_url(given)!r}: expected sqlite:///FILE or postgresql://…")
    scheme = scheme.lower()
    if scheme in ("postgresql", "postgres", "postgresql+psycopg"):
        return f"postgresql+psycopg://{rest}"
    if scheme == "sqlite":
        return given
    raise BadInput(
        f"--db {shown_url(given)!r}: the inbox keeps its index in SQLite (sqlite:///FILE) "
        "or PostgreSQL (postgresql://USER:PASSWORD@HOST/DB)"
    )


def shown_url(url: str) -> str:
    """``url`` with its password replaced by ``***`` (for messages and logs)."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    authority, slash, path = rest.partition("/")
    userinfo, at, host = authority.rpartition("@")
    if at and ":" in userinfo:
        userinfo = userinfo.split(":", 1)[0] + ":***"
    return f"{scheme}{sep}{userinfo}{at}{host}{slash}{path}"


@dataclass(frozen=True, kw_only=True)
class InboxSettings:
    """Everything the inbox needs to know to run."""

    data_dir: Path
    """Holds bundles/, incoming/, tls/ and (by default) the SQLite index."""
    db_url: str
    """SQLAlchemy URL of the index (``database_url``)."""
    max_bundle_bytes: int = DEFAULT_MAX_BUNDLE
    """Uploads larger than this are refused before their body is read (413)."""
    retention_days: int = DEFAULT_RETENTION_DAYS
    """Bundles received longer ago are deleted; 0: never."""
    upload_slots: int = DEFAULT_UPLOAD_SLOTS
    """Uploads received at the same time."""
    idle_seconds: float = DEFAULT_IDLE_SECONDS
    """An upload body that sends nothing for this long is given up."""

    @property
    def bundles_dir(self) -> Path:
        """Where accepted bundles are kept (``YYYY/MM/ID.wsbundle``)."""
        return self.data_dir / "bundles"

    @property
    def incoming_dir(self) -> Path:
        """Where an upload is written while it arrives and is checked (same file system)."""
        return self.data_dir / "incoming"

    @property
    def tls_dir(self) -> Path:
        """The generated certificate and key."""
        return self.data_dir / "tls"

    def prepared(self) -> InboxSettings:
        """The folders created (private to this user); BadInput when that fails."""
        try:
            for folder in (self.data_dir, self.bundles_dir, self.incoming_dir, self.tls_dir):
                folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise BadInput(
                f"cannot create the inbox's data folder {self.data_dir}: {exc.strerror or exc}"
            ) from exc
        return self
