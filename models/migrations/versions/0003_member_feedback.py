"""Member feedback: a member's verdict (relevant / not relevant) on a proposed notice.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 09:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.schema

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "member_feedback",
        sa.Column("member_id", sa.String(length=100), nullable=False),
        sa.Column("notice_id", sa.String(length=200), nullable=False),
        sa.Column("verdict", sa.String(length=20), nullable=False),
        sa.Column("updated_at", models.schema.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_member_feedback_member_id_member"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["notice_id"],
            ["notice.id"],
            name=op.f("fk_member_feedback_notice_id_notice"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("member_id", "notice_id", name=op.f("pk_member_feedback")),
    )
    with op.batch_alter_table("member_feedback", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_member_feedback_notice_id"), ["notice_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("member_feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_member_feedback_notice_id"))
    op.drop_table("member_feedback")
