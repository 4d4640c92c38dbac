"""Engineers who may sign in, their sessions, and each session's CSRF token.

Separate from upload tokens: a token only uploads; reading bundles needs an engineer's
name and password (Argon2id, argon2-cffi's defaults). A session is a random cookie value of
which only the SHA-256 is kept, with an end time; each carries its own CSRF token that
every form posts back.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, select

from wiresleuth.errors import BadInput
from wiresleuth.inbox.database import Database
from wiresleuth.inbox.store import utc_now
from wiresleuth.inbox.tables import EngineerRow, SessionRow

SESSION_HOURS = 12
"""A sign-in lasts a working day."""
MIN_PASSWORD = 12
"""Shortest password accepted."""

_hasher = PasswordHasher()
_DUMMY = _hasher.hash("a password nobody has")
"""Verified against when the name is unknown, so a wrong name takes as long as a wrong
password (no telling which names exist by timing)."""


@dataclass(frozen=True, kw_only=True)
class SignedIn:
    """A live session."""

    engineer_id: int
    name: str
    csrf: str
    expires_at: datetime


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def check_password_rules(password: str) -> None:
    """BadInput unless the password is long enough."""
    if len(password) < MIN_PASSWORD:
        raise BadInput(f"the password must have at least {MIN_PASSWORD} characters")


def add_engineer(db: Database, name: str, password: str) -> None:
    """A new engineer; BadInput when the name is taken or the password too short."""
    name = name.strip()
    if not name or len(name) > 100 or any(c.isspace() for c in name):
        raise BadInput("an engineer's name is 1 to 100 characters without spaces")
    check_password_rules(password)
    with db.session() as session, session.begin():
        if session.scalars(select(EngineerRow).where(EngineerRow.name == name)).first():
            raise BadInput(f"an engineer named {name!r} exists already")
        session.add(
            EngineerRow(name=name, password_hash=_hasher.hash(password), created_at=utc_now())
        )


def set_password(db: Database, name: str, password: str) -> None:
    """Change an engineer's password and end their sessions."""
    check_password_rules(password)
    with db.session() as session, session.begin():
        row = session.scalars(select(EngineerRow).where(EngineerRow.name == name)).first()
        if row is None:
            raise BadInput(f"no engineer named {name!r}")
        row.password_hash = _hasher.hash(password)
        session.execute(delete(SessionRow).where(SessionRow.engineer_id == row.id))


def remove_engineer(db: Database, name: str) -> None:
    """Remove an engineer (and their sessions)."""
    with db.session() as session, session.begin():
        row = session.scalars(select(EngineerRow).where(EngineerRow.name == name)).first()
        if row is None:
            raise BadInput(f"no engineer named {name!r}")
        session.execute(delete(SessionRow).where(SessionRow.engineer_id == row.id))
        session.delete(row)


def list_engineers(db: Database) -> list[EngineerRow]:
    """Every engineer, by name."""
    with db.session() as session:
        return list(session.scalars(select(EngineerRow).order_by(EngineerRow.name)))


def verify(db: Database, name: str, password: str) -> int | None:
    """The engineer's id when name and password match, else None."""
    with db.session() as session:
        row = session.scalars(select(EngineerRow).where(EngineerRow.name == name)).first()
    try:
        if row is None:
            _hasher.verify(_DUMMY, password)
            return None
        _hasher.verify(row.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if _hasher.check_needs_rehash(row.password_hash):
        with db.session() as session, session.begin():
            fresh = session.get(EngineerRow, row.id)
            if fresh is not None:
                fresh.password_hash = _hasher.hash(password)
    return row.id


def open_session(db: Database, engineer_id: int) -> str:
    """A new session for an engineer; the cookie's value (shown to the browser only)."""
    key = secrets.token_urlsafe(32)
    now = utc_now()
    with db.session() as session, session.begin():
        session.execute(delete(SessionRow).where(SessionRow.expires_at < now))
        session.add(
            SessionRow(
                key_hash=_key_hash(key),
                engineer_id=engineer_id,
                csrf=secrets.token_urlsafe(32),
                created_at=now,
                expires_at=now + timedelta(hours=SESSION_HOURS),
            )
        )
    return key


def session_of(db: Database, key: str | None) -> SignedIn | None:
    """The live session a cookie value belongs to, or None."""
    if not key or len(key) > 100:
        return None
    with db.session() as session:
        found = session.execute(
            select(SessionRow, EngineerRow.name)
            .join(EngineerRow, EngineerRow.id == SessionRow.engineer_id)
            .where(SessionRow.key_hash == _key_hash(key))
        ).first()
    if found is None:
        return None
    row, name = found
    if row.expires_at <= utc_now():
        return None
    return SignedIn(
        engineer_id=row.engineer_id, name=name, csrf=row.csrf, expires_at=row.expires_at
    )


def close_session(db: Database, key: str | None) -> None:
    """Sign out: the session ends now."""
    if not key:
        return
    with db.session() as session, session.begin():
        session.execute(delete(SessionRow).where(SessionRow.key_hash == _key_hash(key)))


def same_token(expected: str, given: str | None) -> bool:
    """A CSRF token compared in constant time."""
    return given is not None and hmac.compare_digest(expected.encode(), given.encode())
