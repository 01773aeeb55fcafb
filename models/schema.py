"""The relational schema: the source of truth (the vector index is derived from it).

Tables are singular and snake_case; timestamps end in ``_at`` and are stored
as UTC (see :class:`UtcDateTime`). Documents that the API returns whole
(a notice, a member profile, a procedure, a draft) are kept as JSON next to
the columns queries filter on, so both SQLite and PostgreSQL serve them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

JsonDoc = JSON().with_variant(JSONB(), "postgresql")

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """An aware datetime stored as naive UTC: SQLite keeps no offset, so normalise both."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None else None


def utcnow() -> datetime:
    """Now, aware, in UTC (the one clock the store uses)."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base with a naming convention Alembic can rely on."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JsonDoc, list[Any]: JsonDoc}


class NoticeRow(Base):
    """A notice as served: the merged result of every source record that describes it."""

    __tablename__ = "notice"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    source: Mapped[str] = mapped_column(String(20), index=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)  # notice | award
    status: Mapped[str] = mapped_column(String(20), index=True)
    title: Mapped[str] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(2))
    nature: Mapped[str | None] = mapped_column(String(20))
    deadline_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    published_on: Mapped[date | None] = mapped_column(Date, index=True)
    buyer_key: Mapped[str] = mapped_column(String(300), default="")
    # Title and buyer folded (``models.vocabulary.text.search_key``): the ``?q=`` filter.
    search_key: Mapped[str] = mapped_column(Text, default="", server_default="")
    value_amount: Mapped[float | None] = mapped_column(Float, index=True)
    value_currency: Mapped[str | None] = mapped_column(String(3))
    document: Mapped[dict[str, Any]]
    content_hash: Mapped[str] = mapped_column(String(64))
    indexed_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    cpv_rows: Mapped[list[NoticeCpvRow]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )


class NoticeCpvRow(Base):
    """One CPV code of a notice or of one of its lots (for prefix filters)."""

    __tablename__ = "notice_cpv"

    notice_id: Mapped[str] = mapped_column(
        ForeignKey("notice.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(8), primary_key=True, index=True)


class SourceRecordRow(Base):
    """One record exactly as a source published it, kept so notices can be re-normalised.

    ``notice_id`` is the notice it contributes to; it is null for a corrigendum
    or cancellation whose parent has not been ingested yet (``parent_ref`` says
    which), so nothing is lost when records arrive out of order.
    """

    __tablename__ = "source_record"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)  # e.g. boamp:26-7298
    # Deferred: a record is stored first and its notice derived from it in the same transaction.
    notice_id: Mapped[str | None] = mapped_column(
        ForeignKey("notice.id", ondelete="SET NULL", deferrable=True, initially="DEFERRED"),
        index=True,
    )
    kind: Mapped[str] = mapped_column(String(20))  # notice | corrigendum | cancellation | award
    parent_refs: Mapped[list[Any]]
    raw: Mapped[str] = mapped_column(Text)
    raw_format: Mapped[str] = mapped_column(String(40))
    parsed: Mapped[dict[str, Any]]
    content_hash: Mapped[str] = mapped_column(String(64))
    seq: Mapped[int] = mapped_column(BigInteger, index=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # The source's notice UUID (eForms/TED) and version: versions of one notice share the UUID.
    notice_uuid: Mapped[str | None] = mapped_column(String(64), index=True)
    version: Mapped[int | None] = mapped_column(Integer)


class RecordAliasRow(Base):
    """Another id a source record is known by (a TED notice UUID shared by its versions)."""

    __tablename__ = "record_alias"

    alias: Mapped[str] = mapped_column(String(200), primary_key=True)
    record_id: Mapped[str] = mapped_column(
        ForeignKey("source_record.id", ondelete="CASCADE"), index=True
    )


class IngestRunRow(Base):
    """One ingestion run: what it asked for, what it did, how it ended."""

    __tablename__ = "ingest_run"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(40), index=True)
    status: Mapped[str] = mapped_column(String(20))  # running | succeeded | failed
    since: Mapped[date | None] = mapped_column(Date)
    until: Mapped[date | None] = mapped_column(Date)
    counts: Mapped[dict[str, Any]]
    errors: Mapped[list[Any]]
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class SourceWatermarkRow(Base):
    """The last day a source was fully ingested: ``cotender ingest`` continues from there."""

    __tablename__ = "source_watermark"

    source: Mapped[str] = mapped_column(String(40), primary_key=True)
    ingested_until: Mapped[date] = mapped_column(Date)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("ingest_run.id"))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class QuarantineRow(Base):
    """A record that could not be read, kept with its reason and raw content.

    ``reason`` is the English text; ``reason_code`` and ``reason_params`` say it as
    data (``ingest.errors.ReasonCode``) so a page can say it in the reader's
    language. Rows kept before the code existed have none and show their text.
    """

    __tablename__ = "quarantine"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("ingest_run.id"), index=True)
    source: Mapped[str] = mapped_column(String(40))
    record_ref: Mapped[str] = mapped_column(String(500))
    reason: Mapped[str] = mapped_column(Text)
    reason_code: Mapped[str | None] = mapped_column(String(40))
    reason_params: Mapped[dict[str, Any] | None]
    raw: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class MemberRow(Base):
    """A member's profile (expertise, references, regions…), as declared."""

    __tablename__ = "member"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    profile: Mapped[dict[str, Any]]
    content_hash: Mapped[str] = mapped_column(String(64))
    indexed_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # Set by the member service when the profile changes, never by ``onupdate``: the
    # indexer writes ``indexed_hash`` on this row too, which is not a change of the member.
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class GroupRow(Base):
    """A group of members and its agreed procedure."""

    __tablename__ = "member_group"  # "group" is an SQL keyword

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    document: Mapped[dict[str, Any]]
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class GroupMembershipRow(Base):
    """Who belongs to which group, and who leads it."""

    __tablename__ = "group_membership"

    group_id: Mapped[str] = mapped_column(
        ForeignKey("member_group.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: Mapped[str] = mapped_column(
        ForeignKey("member.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    is_lead: Mapped[bool] = mapped_column(Boolean, default=False)


class IntentionRow(Base):
    """A member's current declared intention on a notice (and some of its lots)."""

    __tablename__ = "intention"

    notice_id: Mapped[str] = mapped_column(
        ForeignKey("notice.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: Mapped[str] = mapped_column(
        ForeignKey("member.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(20))
    lots: Mapped[list[Any]]
    comment: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class IntentionEventRow(Base):
    """Audit trail of intentions: who changed what, when (never updated, only appended)."""

    __tablename__ = "intention_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    notice_id: Mapped[str] = mapped_column(String(200), index=True)
    member_id: Mapped[str] = mapped_column(String(100), index=True)
    actor: Mapped[str] = mapped_column(String(120))
    before: Mapped[dict[str, Any] | None] = mapped_column(JsonDoc, nullable=True)
    after: Mapped[dict[str, Any]]
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class MemberFeedbackRow(Base):
    """A member's verdict on a proposed notice: what later rankings learn from."""

    __tablename__ = "member_feedback"

    member_id: Mapped[str] = mapped_column(
        ForeignKey("member.id", ondelete="CASCADE"), primary_key=True
    )
    notice_id: Mapped[str] = mapped_column(
        ForeignKey("notice.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    verdict: Mapped[str] = mapped_column(String(20))  # relevant | not_relevant
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class ApiTokenRow(Base):
    """A bearer token, stored as a hash only, with expiry and revocation."""

    __tablename__ = "api_token"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(128), unique=True)
    member_id: Mapped[str | None] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class DraftRow(Base):
    """A generated response draft; regenerating creates a new version, the old one stays."""

    __tablename__ = "draft"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    notice_id: Mapped[str] = mapped_column(ForeignKey("notice.id"), index=True)
    group_id: Mapped[str] = mapped_column(ForeignKey("member_group.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    proposal: Mapped[dict[str, Any]]
    document: Mapped[dict[str, Any]]
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


Index("ix_draft_notice_group_version", DraftRow.notice_id, DraftRow.group_id, DraftRow.version)


class WebSessionRow(Base):
    """A browser session opened from a sign-in link, bound to the token of that link.

    ``id`` is the HMAC of the cookie's secret (the secret itself is never stored);
    revoking or expiring the token ends its sessions, since each request checks it.
    """

    __tablename__ = "web_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    token_id: Mapped[str] = mapped_column(
        ForeignKey("api_token.id", ondelete="CASCADE"), index=True
    )
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)


class DigestSubscriptionRow(Base):
    """How and when a member (or a group's list) receives digests, and their feed secret.

    Kept apart from the member's profile: the profile is replaced whole by imports and
    its hash drives re-embedding, while these are delivery settings and state.
    ``recipient`` is ``member:<id>`` or ``group:<id>``.
    """

    __tablename__ = "digest_subscription"

    recipient: Mapped[str] = mapped_column(String(120), primary_key=True)
    member_id: Mapped[str | None] = mapped_column(
        ForeignKey("member.id", ondelete="CASCADE"), index=True
    )
    group_id: Mapped[str | None] = mapped_column(
        ForeignKey("member_group.id", ondelete="CASCADE"), index=True
    )
    frequency: Mapped[str] = mapped_column(String(10))  # daily | weekly | off
    threshold: Mapped[float | None] = mapped_column(Float)
    language: Mapped[str | None] = mapped_column(String(2))
    last_digest_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    feed_secret_hash: Mapped[str | None] = mapped_column(String(128), unique=True)
    feed_created_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class DigestMessageRow(Base):
    """The outbox: one composed e-mail, kept until the SMTP server accepted it."""

    __tablename__ = "digest_message"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    recipient: Mapped[str] = mapped_column(String(120), index=True)
    to_address: Mapped[str] = mapped_column(String(320))
    status: Mapped[str] = mapped_column(String(10), index=True)  # pending | sent | failed
    message: Mapped[str] = mapped_column(Text)  # RFC 5322, as sent
    notices: Mapped[list[Any]]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class DigestItemRow(Base):
    """Something told to a recipient, once: a new notice, a closing reminder, a step reminder.

    ``item`` is the notice id for a new notice, ``closing:<notice id>`` or
    ``step:<step key>:<notice id>``; the primary key makes each appear in one digest only.
    """

    __tablename__ = "digest_item"

    recipient: Mapped[str] = mapped_column(String(120), primary_key=True)
    item: Mapped[str] = mapped_column(String(300), primary_key=True)
    message_id: Mapped[str] = mapped_column(
        ForeignKey("digest_message.id", ondelete="CASCADE"), index=True
    )
    score: Mapped[float] = mapped_column(Float)
    told_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class DigestSnapshotRow(Base):
    """What a member was last told of a notice (deadline, status, lots): changes are diffs."""

    __tablename__ = "digest_snapshot"

    member_id: Mapped[str] = mapped_column(
        ForeignKey("member.id", ondelete="CASCADE"), primary_key=True
    )
    notice_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    snapshot: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
