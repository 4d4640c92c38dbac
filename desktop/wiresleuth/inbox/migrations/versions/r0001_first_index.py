"""The first index: bundles, findings, facets, tokens, engineers, sessions, refusals.

Revision ID: 0001
Revises: (none)
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "engineers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_engineers")),
        sa.UniqueConstraint("name", name=op.f("uq_engineers_name")),
    )
    op.create_table(
        "upload_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.Column("uploads", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_upload_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_upload_tokens_token_hash")),
    )
    op.create_table(
        "bundles",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("stored_as", sa.String(length=255), nullable=False),
        sa.Column("ticket", sa.String(length=64), nullable=True),
        sa.Column("token_id", sa.Integer(), nullable=True),
        sa.Column("sender", sa.String(length=64), nullable=False),
        sa.Column("program_version", sa.String(length=40), nullable=False),
        sa.Column("run_started", sa.DateTime(), nullable=True),
        sa.Column("computer", sa.String(length=255), nullable=True),
        sa.Column("user_name", sa.String(length=255), nullable=True),
        sa.Column("os", sa.String(length=255), nullable=True),
        sa.Column("headline_id", sa.String(length=128), nullable=True),
        sa.Column("headline_title", sa.String(length=500), nullable=True),
        sa.Column("headline_severity", sa.String(length=16), nullable=True),
        sa.Column("problems", sa.Integer(), nullable=False),
        sa.Column("warnings", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Integer(), nullable=False),
        sa.Column("route", sa.String(length=255), nullable=True),
        sa.Column("subnet", sa.String(length=64), nullable=True),
        sa.Column("gateway_vendor", sa.String(length=255), nullable=True),
        sa.Column("has_capture", sa.Boolean(), nullable=False),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["token_id"],
            ["upload_tokens.id"],
            name=op.f("fk_bundles_token_id_upload_tokens"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bundles")),
        sa.UniqueConstraint("sha256", name=op.f("uq_bundles_sha256")),
    )
    with op.batch_alter_table("bundles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bundles_computer"), ["computer"], unique=False)
        batch_op.create_index(batch_op.f("ix_bundles_received_at"), ["received_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_bundles_ticket"), ["ticket"], unique=False)
        batch_op.create_index(batch_op.f("ix_bundles_user_name"), ["user_name"], unique=False)

    op.create_table(
        "refusals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("sender", sa.String(length=64), nullable=False),
        sa.Column("token_id", sa.Integer(), nullable=True),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("ticket", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.ForeignKeyConstraint(
            ["token_id"],
            ["upload_tokens.id"],
            name=op.f("fk_refusals_token_id_upload_tokens"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refusals")),
    )
    with op.batch_alter_table("refusals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_refusals_received_at"), ["received_at"], unique=False)

    op.create_table(
        "sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("engineer_id", sa.Integer(), nullable=False),
        sa.Column("csrf", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["engineer_id"],
            ["engineers.id"],
            name=op.f("fk_sessions_engineer_id_engineers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sessions")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_sessions_key_hash")),
    )
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sessions_engineer_id"), ["engineer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sessions_expires_at"), ["expires_at"], unique=False)

    op.create_table(
        "facets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bundle_id", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("value", sa.String(length=255), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bundle_id"],
            ["bundles.id"],
            name=op.f("fk_facets_bundle_id_bundles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_facets")),
    )
    with op.batch_alter_table("facets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_facets_bundle_id"), ["bundle_id"], unique=False)
        batch_op.create_index(
            "ix_facets_grouped", ["kind", "value", "bundle_id", "received_at"], unique=False
        )

    op.create_table(
        "findings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bundle_id", sa.String(length=16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("finding_id", sa.String(length=128), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("target", sa.String(length=255), nullable=True),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bundle_id"],
            ["bundles.id"],
            name=op.f("fk_findings_bundle_id_bundles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_findings")),
    )
    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_findings_bundle_id"), ["bundle_id"], unique=False)
        batch_op.create_index(
            "ix_findings_grouped",
            ["finding_id", "severity", "bundle_id", "received_at"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.drop_index("ix_findings_grouped")
        batch_op.drop_index(batch_op.f("ix_findings_bundle_id"))

    op.drop_table("findings")
    with op.batch_alter_table("facets", schema=None) as batch_op:
        batch_op.drop_index("ix_facets_grouped")
        batch_op.drop_index(batch_op.f("ix_facets_bundle_id"))

    op.drop_table("facets")
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sessions_expires_at"))
        batch_op.drop_index(batch_op.f("ix_sessions_engineer_id"))

    op.drop_table("sessions")
    with op.batch_alter_table("refusals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_refusals_received_at"))

    op.drop_table("refusals")
    with op.batch_alter_table("bundles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bundles_user_name"))
        batch_op.drop_index(batch_op.f("ix_bundles_ticket"))
        batch_op.drop_index(batch_op.f("ix_bundles_received_at"))
        batch_op.drop_index(batch_op.f("ix_bundles_computer"))

    op.drop_table("bundles")
    op.drop_table("upload_tokens")
    op.drop_table("engineers")
