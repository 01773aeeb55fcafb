"""Initial schema: notices, source records, runs, members, groups, intentions, tokens, drafts.

Revision ID: 0001
Revises:
Create Date: 2026-11-26 04:28:20.442579
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import models.schema

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "ingest_run",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("since", sa.Date(), nullable=True),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column(
            "counts",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "errors",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("started_at", models.schema.UtcDateTime(), nullable=False),
        sa.Column("finished_at", models.schema.UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ingest_run")),
    )
    with op.batch_alter_table("ingest_run", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ingest_run_source"), ["source"], unique=False)

    op.create_table(
        "intention_event",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("notice_id", sa.String(length=200), nullable=False),
        sa.Column("member_id", sa.String(length=100), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column(
            "before",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "after",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("changed_at", models.schema.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intention_event")),
    )
    with op.batch_alter_table("intention_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_intention_event_member_id"), ["member_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_intention_event_notice_id"), ["notice_id"], unique=False
        )

    op.create_table(
        "member",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column(
            "profile",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("indexed_hash", sa.String(length=64), nullable=True),
        sa.Column("created_at", models.schema.UtcDateTime(), nullable=False),
        sa.Column("updated_at", models.schema.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member")),
    )
    op.create_table(
        "member_group",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "document",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", models.schema.UtcDateTime(), nullable=False),
        sa.Column("updated_at", models.schema.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_group")),
    )
    op.create_table(
        "notice",
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=True),
        sa.Column("nature", sa.String(length=20), nullable=True),
        sa.Column("deadline_at", models.schema.UtcDateTime(), nullable=True),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("buyer_key", sa.String(length=300), nullable=False),
        sa.Column(
            "document",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("indexed_hash", sa.String(length=64), nullable=True),
        sa.Column("created_at", models.schema.UtcDateTime(), nullable=False),
        sa.Column("updated_at", models.schema.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice")),
    )
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notice_deadline_at"), ["deadline_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_notice_indexed_hash"), ["indexed_hash"], unique=False)
        batch_op.create_index(batch_op.f("ix_notice_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_notice_published_on"), ["published_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_notice_source"), ["source"], unique=False)
        batch_op.create_index(batch_op.f("ix_notice_status"), ["status"], unique=False)

    op.create_table(
        "api_token",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("token_hash", sa.String(length=128), nullable=False),
        sa.Column("member_id", sa.String(length=100), nullable=True),
        sa.Column("is_admin", sa.Boolean(), nullable=False),
        sa.Column("created_at", models.schema.UtcDateTime(), nullable=False),
        sa.Column("expires_at", models.schema.UtcDateTime(), nullable=True),
        sa.Column("revoked_at", models.schema.UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_api_token_member_id_member"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_token_token_hash")),
    )
    op.create_table(
        "draft",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("notice_id", sa.String(length=200), nullable=False),
        sa.Column("group_id", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "proposal",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "document",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", models.schema.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"], ["member_group.id"], name=op.f("fk_draft_group_id_member_group")
        ),
        sa.ForeignKeyConstraint(
            ["notice_id"], ["notice.id"], name=op.f("fk_draft_notice_id_notice")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draft")),
    )
    with op.batch_alter_table("draft", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_draft_group_id"), ["group_id"], unique=False)
        batch_op.create_index(
            "ix_draft_notice_group_version", ["notice_id", "group_id", "version"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_draft_notice_id"), ["notice_id"], unique=False)

    op.create_table(
        "group_membership",
        sa.Column("group_id", sa.String(length=100), nullable=False),
        sa.Column("member_id", sa.String(length=100), nullable=False),
        sa.Column("is_lead", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["member_group.id"],
            name=op.f("fk_group_membership_group_id_member_group"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_group_membership_member_id_member"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("group_id", "member_id", name=op.f("pk_group_membership")),
    )
    with op.batch_alter_table("group_membership", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_group_membership_member_id"), ["member_id"], unique=False
        )

    op.create_table(
        "intention",
        sa.Column("notice_id", sa.String(length=200), nullable=False),
        sa.Column("member_id", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column(
            "lots",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("updated_at", models.schema.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_intention_member_id_member"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["notice_id"],
            ["notice.id"],
            name=op.f("fk_intention_notice_id_notice"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("notice_id", "member_id", name=op.f("pk_intention")),
    )
    with op.batch_alter_table("intention", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_intention_member_id"), ["member_id"], unique=False)

    op.create_table(
        "notice_cpv",
        sa.Column("notice_id", sa.String(length=200), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.ForeignKeyConstraint(
            ["notice_id"],
            ["notice.id"],
            name=op.f("fk_notice_cpv_notice_id_notice"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("notice_id", "code", name=op.f("pk_notice_cpv")),
    )
    with op.batch_alter_table("notice_cpv", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notice_cpv_code"), ["code"], unique=False)

    op.create_table(
        "quarantine",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("record_ref", sa.String(length=500), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("created_at", models.schema.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["ingest_run.id"], name=op.f("fk_quarantine_run_id_ingest_run")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quarantine")),
    )
    with op.batch_alter_table("quarantine", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quarantine_run_id"), ["run_id"], unique=False)

    op.create_table(
        "source_record",
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("notice_id", sa.String(length=200), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column(
            "parent_refs",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("raw_format", sa.String(length=40), nullable=False),
        sa.Column(
            "parsed",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("received_at", models.schema.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["notice_id"],
            ["notice.id"],
            name=op.f("fk_source_record_notice_id_notice"),
            ondelete="SET NULL",
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source_record")),
    )
    with op.batch_alter_table("source_record", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_source_record_notice_id"), ["notice_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_source_record_seq"), ["seq"], unique=False)

    op.create_table(
        "source_watermark",
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("ingested_until", sa.Date(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", models.schema.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["ingest_run.id"], name=op.f("fk_source_watermark_run_id_ingest_run")
        ),
        sa.PrimaryKeyConstraint("source", name=op.f("pk_source_watermark")),
    )
    op.create_table(
        "record_alias",
        sa.Column("alias", sa.String(length=200), nullable=False),
        sa.Column("record_id", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["source_record.id"],
            name=op.f("fk_record_alias_record_id_source_record"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("alias", name=op.f("pk_record_alias")),
    )
    with op.batch_alter_table("record_alias", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_record_alias_record_id"), ["record_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("record_alias", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_record_alias_record_id"))

    op.drop_table("record_alias")
    op.drop_table("source_watermark")
    with op.batch_alter_table("source_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_source_record_seq"))
        batch_op.drop_index(batch_op.f("ix_source_record_notice_id"))

    op.drop_table("source_record")
    with op.batch_alter_table("quarantine", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quarantine_run_id"))

    op.drop_table("quarantine")
    with op.batch_alter_table("notice_cpv", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notice_cpv_code"))

    op.drop_table("notice_cpv")
    with op.batch_alter_table("intention", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intention_member_id"))

    op.drop_table("intention")
    with op.batch_alter_table("group_membership", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_membership_member_id"))

    op.drop_table("group_membership")
    with op.batch_alter_table("draft", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_draft_notice_id"))
        batch_op.drop_index("ix_draft_notice_group_version")
        batch_op.drop_index(batch_op.f("ix_draft_group_id"))

    op.drop_table("draft")
    op.drop_table("api_token")
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notice_status"))
        batch_op.drop_index(batch_op.f("ix_notice_source"))
        batch_op.drop_index(batch_op.f("ix_notice_published_on"))
        batch_op.drop_index(batch_op.f("ix_notice_kind"))
        batch_op.drop_index(batch_op.f("ix_notice_indexed_hash"))
        batch_op.drop_index(batch_op.f("ix_notice_deadline_at"))

    op.drop_table("notice")
    op.drop_table("member_group")
    op.drop_table("member")
    with op.batch_alter_table("intention_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intention_event_notice_id"))
        batch_op.drop_index(batch_op.f("ix_intention_event_member_id"))

    op.drop_table("intention_event")
    with op.batch_alter_table("ingest_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ingest_run_source"))

    op.drop_table("ingest_run")
