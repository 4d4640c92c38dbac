from pathlib import Path

import pytest

from wiresleuth.errors import BadInput
from wiresleuth.inbox.settings import InboxSettings, database_url, shown_url


def test_the_index_is_sqlite_in_the_data_folder_unless_given(tmp_path: Path) -> None:
    assert database_url(None, tmp_path) == f"sqlite:///{tmp_path / 'inbox.sqlite3'}"
    assert (
        database_url("postgresql://u:p@db/inbox", tmp_path) == "postgresql+psycopg://u:p@db/inbox"
    )
    assert database_url("postgres://db/inbox", tmp_path) == "postgresql+psycopg://db/inbox"
    assert database_url("sqlite:////srv/i.db", tmp_path) == "sqlite:////srv/i.db"
    with pytest.raises(BadInput, match=r"SQLite .* or PostgreSQL") as raised:
        database_url("mysql://root:hunter2@db/x", tmp_path)
    assert "hunter2" not in str(raised.value)
    with pytest.raises(BadInput, match="expected sqlite"):
        database_url("inbox.db", tmp_path)


def test_a_password_is_never_shown() -> None:
    assert (
        shown_url("postgresql+psycopg://inbox:s3cret@db:5432/x")
        == "postgresql+psycopg://inbox:***@db:5432/x"
    )
    assert shown_url("postgresql://db/x") == "postgresql://db/x"
    assert shown_url("sqlite:////a/b") == "sqlite:////a/b"


def test_the_folders_are_made_private(tmp_path: Path) -> None:
    settings = InboxSettings(data_dir=tmp_path / "inbox", db_url="sqlite://").prepared()
    for folder in (
        settings.data_dir,
        settings.bundles_dir,
        settings.incoming_dir,
        settings.tls_dir,
    ):
        assert folder.is_dir() and folder.stat().st_mode & 0o077 == 0
    (tmp_path / "file").write_text("")
    with pytest.raises(BadInput, match="cannot create the inbox's data folder"):
        InboxSettings(data_dir=tmp_path / "file" / "inbox", db_url="sqlite://").prepared()
