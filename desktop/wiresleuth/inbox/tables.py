"""The index's tables (SQLAlchemy), the same on SQLite and PostgreSQL.

A bundle is one row of ``bundles`` (who, when, the headline, the route) plus one row per
finding and one per facet (site, subnet, gateway vendor, resolver, proxy): the grouped
view counts those. A bundle's facets are distinct (``facts.py``), and findings and facets
carry the bundle's ``received_at``, so the grouped view of a time window reads one index. Changing a table needs a migration (``migrations/versions``); a test
compares these classes with what the migrations build.

Times are naive UTC (``DateTime`` without a zone): SQLite keeps no zone, and one rule for
both databases is simpler than two.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

TEXT = 500
"""Longest text kept from a bundle in a column (titles, vendors); longer is cut."""
NAME = 255
"""Longest name kept (computer, user, site, file name)."""

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
"""Constraint names chosen here, not by each database, so migrations can name them."""


class Base(DeclarativeBase):
    """The index's tables."""

    metadata = MetaData(naming_convention=NAMING)


class BundleRow(Base):
    """One received bundle: where its file is, and what the lists and groups show of it."""

    __tablename__ = "bundles"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    """The receipt's id (random, a dozen letters and digits)."""
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    """Of the whole file, as received: the same file sent twice is one bundle."""
    received_at: Mapped[datetime] = mapped_column(index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    file_name: Mapped[str] = mapped_column(String(NAME))
    """The name the sender gave (Content-Disposition), cleaned; ``bundle.wsbundle`` if none."""
    stored_as: Mapped[str] = mapped_column(String(NAME))
    """Path of the file under the data folder's ``bundles/``."""
    ticket: Mapped[str | None] = mapped_column(String(64), index=True)
    token_id: Mapped[int | None] = mapped_column(
        ForeignKey("upload_tokens.id", ondelete="SET NULL")
    )
    sender: Mapped[str] = mapped_column(String(64))
    """The sender's address as the server saw it."""
    program_version: Mapped[str] = mapped_column(String(40))
    run_started: Mapped[datetime | None]
    computer: Mapped[str | None] = mapped_column(String(NAME), index=True)
    user_name: Mapped[str | None] = mapped_column(String(NAME), index=True)
    os: Mapped[str | None] = mapped_column(String(NAME))
    headline_id: Mapped[str | None] = mapped_column(String(128))
    headline_title: Mapped[str | None] = mapped_column(String(TEXT))
    headline_severity: Mapped[str | None] = mapped_column(String(16))
    problems: Mapped[int]
    warnings: Mapped[int]
    notes: Mapped[int]
    route: Mapped[str | None] = mapped_column(String(NAME))
    """How the run's sites were reached (``proxy 10.0.0.5:3128``, ``direct``, ``mixed``)."""
    subnet: Mapped[str | None] = mapped_column(String(64))
    gateway_vendor: Mapped[str | None] = mapped_column(String(NAME))
    has_capture: Mapped[bool]
    cancelled: Mapped[bool]


class FindingRow(Base):
    """One finding of one bundle."""

    __tablename__ = "findings"
    __table_args__ = (
        # covers the grouped view's count of bundles per finding, its severity and the
        # time window: no row is read but this index's
        Index("ix_findings_grouped", "finding_id", "severity", "bundle_id", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bundle_id: Mapped[str] = mapped_column(ForeignKey("bundles.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    """Its place in the bundle's report (most severe first)."""
    finding_id: Mapped[str] = mapped_column(String(128))
    severity: Mapped[str] = mapped_column(String(16))
    target: Mapped[str | None] = mapped_column(String(NAME))
    title: Mapped[str] = mapped_column(String(TEXT))
    received_at: Mapped[datetime]
    """The bundle's (copied: the grouped view's time window needs no join)."""


class FacetRow(Base):
    """One value a bundle has for one kind of group (``site``, ``subnet``, ``resolver``…)."""

    __tablename__ = "facets"
    __table_args__ = (Index("ix_facets_grouped", "kind", "value", "bundle_id", "received_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bundle_id: Mapped[str] = mapped_column(ForeignKey("bundles.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    value: Mapped[str] = mapped_column(String(NAME))
    received_at: Mapped[datetime]
    """The bundle's (copied, as for findings)."""


class TokenRow(Base):
    """An upload token: only its SHA-256 is kept; it allows uploading and nothing else."""

    __tablename__ = "upload_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    uploads: Mapped[int] = mapped_column(default=0)


class EngineerRow(Base):
    """Someone who may sign in to the pages (Argon2id password hash)."""

    __tablename__ = "engineers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime]


class SessionRow(Base):
    """A signed-in browser: the cookie's SHA-256, its CSRF token and when it ends."""

    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    engineer_id: Mapped[int] = mapped_column(
        ForeignKey("engineers.id", ondelete="CASCADE"), index=True
    )
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)


class RefusalRow(Base):
    """An upload that was refused after its body arrived (not a bundle, damaged, hostile):
    kept so the helpdesk sees who tried; the file itself is not kept."""

    __tablename__ = "refusals"

    id: Mapped[int] = mapped_column(primary_key=True)
    received_at: Mapped[datetime] = mapped_column(index=True)
    sender: Mapped[str] = mapped_column(String(64))
    token_id: Mapped[int | None] = mapped_column(
        ForeignKey("upload_tokens.id", ondelete="SET NULL")
    )
    file_name: Mapped[str] = mapped_column(String(NAME))
    size: Mapped[int] = mapped_column(BigInteger)
    ticket: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(1000))
