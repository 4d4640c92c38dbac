from pathlib import Path

import pytest

from wiresleuth.errors import BadInput
from wiresleuth.inbox import tokens
from wiresleuth.inbox.database import Database
from wiresleuth.inbox.settings import database_url


def test_a_token_is_kept_only_as_its_hash_and_can_be_revoked(
    index_url: str, tmp_path: Path
) -> None:
    db = Database(database_url(index_url, tmp_path))
    try:
        made = tokens.create_token(db, "ACME branches")
        assert made.secret.startswith("wsu_") and len(made.secret) > 40
        (row,) = tokens.list_tokens(db)
        assert (
            row.token_hash == tokens.token_hash(made.secret) and made.secret not in row.token_hash
        )
        assert tokens.check_token(db, made.secret) == made.id
        assert tokens.check_token(db, made.secret + "x") is None
        assert tokens.check_token(db, "not-even-prefixed") is None
        tokens.revoke_token(db, made.id)
        assert tokens.check_token(db, made.secret) is None
        with pytest.raises(BadInput, match="no upload token with id 99"):
            tokens.revoke_token(db, 99)
        with pytest.raises(BadInput, match="label"):
            tokens.create_token(db, "  ")
    finally:
        db.close()
