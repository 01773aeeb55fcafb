"""Notice search key: title and buyer folded, for the ``?q=`` text filter.

The filter compared a lower-cased query with ``buyer_key`` (folded, stop words
dropped, sorted), so "Ville de Paris" never matched a buyer and accents had to
agree. ``search_key`` holds the title and buyer name folded by the one fold of
``models.vocabulary.text``; existing rows are filled from their stored document.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.schema
from models.vocabulary.text import search_key

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_notice = sa.table(
    "notice",
    sa.column("id", sa.String()),
    sa.column("title", sa.Text()),
    sa.column("document", models.schema.JsonDoc),
    sa.column("search_key", sa.Text()),
)


def upgrade() -> None:
    with op.batch_alter_table("notice") as batch:
        batch.add_column(sa.Column("search_key", sa.Text(), nullable=False, server_default=""))
    connection = op.get_bind()
    rows = connection.execute(sa.select(_notice.c.id, _notice.c.title, _notice.c.document))
    for notice_id, title, document in rows.all():
        buyer = (document or {}).get("buyer") or {}
        key = search_key(title or "", str(buyer.get("name") or ""))
        connection.execute(_notice.update().where(_notice.c.id == notice_id).values(search_key=key))


def downgrade() -> None:
    with op.batch_alter_table("notice") as batch:
        batch.drop_column("search_key")
