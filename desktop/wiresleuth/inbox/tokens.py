"""Upload tokens: a random secret per helpdesk (or per site), kept only as its SHA-256.

A token allows uploading and nothing else: it cannot sign in, read or delete. It travels in
the upload address (``https://inbox:8443/upload/TOKEN``, what the profile's ``upload_url``
holds: the sending window adds no header of its own) or in ``Authorization: Bearer TOKEN``.
SHA-256 rather than a slow password hash: the token is 256 random bits, so nothing is gained
by slowing a guess down, and every upload checks one.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select

from wiresleuth.errors import BadInput
from wiresleuth.inbox.database import Database
from wiresleuth.inbox.store import utc_now
from wiresleuth.inbox.tables import TokenRow

PREFIX = "wsu_"
"""Marks an upload token (so one found in a log or a profile is recognised as one)."""


def token_hash(token: str) -> str:
    """What the index keeps of a token."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True, kw_only=True)
class NewToken:
    """A token just created: the secret is shown once and never again."""

    id: int
    label: str
    secret: str


def create_token(db: Database, label: str) -> NewToken:
    """A new upload token labelled ``label`` (who it is for)."""
    label = label.strip()
    if not label or len(label) > 200:
        raise BadInput("a token needs a label of 1 to 200 characters (who it is for)")
    secret = PREFIX + secrets.token_urlsafe(32)
    with db.session() as session, session.begin():
        row = TokenRow(label=label, token_hash=token_hash(secret), created_at=utc_now())
        session.add(row)
        session.flush()
        return NewToken(id=row.id, label=label, secret=secret)


def check_token(db: Database, presented: str) -> int | None:
    """The id of the live token ``presented`` is, or None (unknown, revoked, malformed)."""
    if not presented.startswith(PREFIX) or len(presented) > 100:
        return None
    with db.session() as session:
        row = session.scalars(
            select(TokenRow).where(TokenRow.token_hash == token_hash(presented))
        ).first()
    if row is None or row.revoked_at is not None:
        return None
    return row.id


def list_tokens(db: Database) -> list[TokenRow]:
    """Every token, oldest first (hashes only)."""
    with db.session() as session:
        return list(session.scalars(select(TokenRow).order_by(TokenRow.id)))


def revoke_token(db: Database, token_id: int) -> TokenRow:
    """Revoke a token: uploads with it are refused from now on. BadInput if unknown."""
    with db.session() as session, session.begin():
        row = session.get(TokenRow, token_id)
        if row is None:
            raise BadInput(f"no upload token with id {token_id} (`wiresleuth inbox token list`)")
        if row.revoked_at is None:
            row.revoked_at = utc_now()
        return row
