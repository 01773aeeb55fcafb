"""Digests: subscriptions (preferences, feed secret), the outbox, notices told, snapshots.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 09:23:08.881514
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import models.schema

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "digest_message",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("recipient", sa.String(length=120), nullable=False),
        sa.Column("to_address", sa.String(length=320), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column(
            "notices",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", models.schema.UtcDateTime(), nullable=False),
        sa.Column("sent_at", models.schema.UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_message")),
    )
    with op.batch_alter_table("digest_message", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_digest_message_recipient"), ["recipient"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_digest_message_status"), ["status"], unique=False)

    op.create_table(
        "digest_item",
        sa.Column("recipient", sa.String(length=120), nullable=False),
        sa.Column("item", sa.String(length=300), nullable=False),
        sa.Column("message_id", sa.String(length=36), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("told_at", models.schema.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["digest_message.id"],
            name=op.f("fk_digest_item_message_id_digest_message"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("recipient", "item", name=op.f("pk_digest_item")),
    )
    with op.batch_alter_table("digest_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_digest_item_message_id"), ["message_id"], unique=False)

    op.create_table(
        "digest_snapshot",
        sa.Column("member_id", sa.String(length=100), nullable=False),
        sa.Column("notice_id", sa.String(length=200), nullable=False),
        sa.Column(
            "snapshot",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("updated_at", models.schema.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_digest_snapshot_member_id_member"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("member_id", "notice_id", name=op.f("pk_digest_snapshot")),
    )
    op.create_table(
        "digest_subscription",
        sa.Column("recipient", sa.String(length=120), nullable=False),
        sa.Column("member_id", sa.String(length=100), nullable=True),
        sa.Column("group_id", sa.String(length=100), nullable=True),
        sa.Column("frequency", sa.String(length=10), nullable=False),
        sa.Column("threshold", sa.Float(), nullable=True),
        sa.Column("language", sa.String(length=2), nullable=True),
        sa.Column("last_digest_at", models.schema.UtcDateTime(), nullable=True),
        sa.Column("feed_secret_hash", sa.String(length=128), nullable=True),
        sa.Column("feed_created_at", models.schema.UtcDateTime(), nullable=True),
        sa.Column("updated_at", models.schema.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["member_group.id"],
            name=op.f("fk_digest_subscription_group_id_member_group"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_digest_subscription_member_id_member"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("recipient", name=op.f("pk_digest_subscription")),
        sa.UniqueConstraint(
            "feed_secret_hash", name=op.f("uq_digest_subscription_feed_secret_hash")
        ),
    )
    with op.batch_alter_table("digest_subscription", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_digest_subscription_group_id"), ["group_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_digest_subscription_member_id"), ["member_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("digest_subscription", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_digest_subscription_member_id"))
        batch_op.drop_index(batch_op.f("ix_digest_subscription_group_id"))

    op.drop_table("digest_subscription")
    op.drop_table("digest_snapshot")
    with op.batch_alter_table("digest_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_digest_item_message_id"))

    op.drop_table("digest_item")
    with op.batch_alter_table("digest_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_digest_message_status"))
        batch_op.drop_index(batch_op.f("ix_digest_message_recipient"))

    op.drop_table("digest_message")
