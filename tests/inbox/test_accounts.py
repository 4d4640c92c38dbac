from datetime import timedelta
from pathlib import Path

import pytest

from wiresleuth.errors import BadInput
from wiresleuth.inbox import accounts
from wiresleuth.inbox.database import Database
from wiresleuth.inbox.settings import database_url
from wiresleuth.inbox.tables import EngineerRow, SessionRow


def test_engineers_sign_in_with_their_password_only(index_url: str, tmp_path: Path) -> None:
    db = Database(database_url(index_url, tmp_path))
    try:
        accounts.add_engineer(db, "bob", "a long enough password")
        with pytest.raises(BadInput, match="exists already"):
            accounts.add_engineer(db, "bob", "another long password")
        with pytest.raises(BadInput, match="at least 12"):
            accounts.add_engineer(db, "carol", "short")
        (row,) = accounts.list_engineers(db)
        assert row.password_hash.startswith("$argon2id$")
        assert accounts.verify(db, "bob", "a long enough password") == row.id
        assert accounts.verify(db, "bob", "wrong") is None
        assert accounts.verify(db, "nobody", "a long enough password") is None
    finally:
        db.close()


def test_sessions_end_at_sign_out_expiry_and_password_change(
    index_url: str, tmp_path: Path
) -> None:
    db = Database(database_url(index_url, tmp_path))
    try:
        accounts.add_engineer(db, "bob", "a long enough password")
        with db.session() as session:
            bob = session.query(EngineerRow).one().id
        key = accounts.open_session(db, bob)
        signed = accounts.session_of(db, key)
        assert signed is not None and signed.name == "bob" and len(signed.csrf) > 30
        assert accounts.session_of(db, key + "x") is None and accounts.session_of(db, None) is None
        accounts.close_session(db, key)
        assert accounts.session_of(db, key) is None
        key = accounts.open_session(db, bob)
        with db.session() as session, session.begin():
            row = session.query(SessionRow).one()
            row.expires_at = row.created_at - timedelta(seconds=1)
        assert accounts.session_of(db, key) is None
        key = accounts.open_session(db, bob)
        accounts.set_password(db, "bob", "a new long password")
        assert accounts.session_of(db, key) is None
        assert accounts.verify(db, "bob", "a new long password") == bob
        accounts.remove_engineer(db, "bob")
        assert accounts.list_engineers(db) == []
    finally:
        db.close()


def test_csrf_tokens_compare_whole() -> None:
    assert accounts.same_token("abc", "abc")
    assert not accounts.same_token("abc", "ab") and not accounts.same_token("abc", None)
