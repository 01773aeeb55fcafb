"""Notice identity and value: each source record's notice UUID and version; the notice's value.

``source_record.notice_uuid``/``version`` let the store tell a new version of a
notice (same UUID) from another notice that reuses the UUID, and order versions.
``notice.value_amount``/``value_currency`` back the ``min_value``/``max_value`` filters.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 09:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("source_record") as batch:
        batch.add_column(sa.Column("notice_uuid", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("version", sa.Integer(), nullable=True))
        batch.create_index("ix_source_record_notice_uuid", ["notice_uuid"])
    with op.batch_alter_table("notice") as batch:
        batch.add_column(sa.Column("value_amount", sa.Float(), nullable=True))
        batch.add_column(sa.Column("value_currency", sa.String(length=3), nullable=True))
        batch.create_index("ix_notice_value_amount", ["value_amount"])


def downgrade() -> None:
    with op.batch_alter_table("notice") as batch:
        batch.drop_index("ix_notice_value_amount")
        batch.drop_column("value_currency")
        batch.drop_column("value_amount")
    with op.batch_alter_table("source_record") as batch:
        batch.drop_index("ix_source_record_notice_uuid")
        batch.drop_column("version")
        batch.drop_column("notice_uuid")
