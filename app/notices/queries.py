"""Notice look-ups: by id (any source id resolves), and filtered, paged lists."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from models.notice import Notice, NoticeStatus, RecordKind
from models.schema import NoticeCpvRow, NoticeRow, RecordAliasRow, SourceRecordRow


def present(row: NoticeRow, *, now: datetime) -> Notice:
    """The notice JSON as served: an open notice whose deadline has passed reads ``closed``."""
    notice = Notice.model_validate(row.document)
    if notice.status == NoticeStatus.open and row.deadline_at is not None and row.deadline_at < now:
        notice.status = NoticeStatus.closed
    return notice


def resolve_notice_id(session: Session, notice_id: str) -> str | None:
    """The served notice for any id it is known by (its own, a twin's, an alias)."""
    if session.get(NoticeRow, notice_id) is not None:
        return notice_id
    alias = session.get(RecordAliasRow, notice_id)
    record = session.get(SourceRecordRow, alias.record_id if alias else notice_id)
    return record.notice_id if record is not None else None


def get_notice(session: Session, notice_id: str) -> NoticeRow | None:
    """The notice row for ``notice_id`` or any of its other ids."""
    resolved = resolve_notice_id(session, notice_id)
    return session.get(NoticeRow, resolved) if resolved else None


@dataclass(frozen=True)
class NoticeFilter:
    """Filters of ``GET /api/notices`` and ``cotender notices list``."""

    text: str | None = None
    cpv_prefix: str | None = None
    open_only: bool = False
    include_awards: bool = False
    source: str | None = None


def _filtered(query: Select[NoticeRow], filters: NoticeFilter, now: datetime) -> Select[NoticeRow]:
    if not filters.include_awards:
        query = query.where(NoticeRow.kind == RecordKind.notice.value)
    if filters.open_only:
        query = query.where(
            NoticeRow.status == NoticeStatus.open.value,
            or_(NoticeRow.deadline_at.is_(None), NoticeRow.deadline_at >= now),
        )
    if filters.source:
        query = query.where(NoticeRow.source == filters.source)
    if filters.text:
        pattern = f"%{filters.text.lower()}%"
        query = query.where(
            or_(func.lower(NoticeRow.title).like(pattern), NoticeRow.buyer_key.like(pattern))
        )
    if filters.cpv_prefix:
        codes = select(NoticeCpvRow.notice_id).where(
            NoticeCpvRow.code.like(f"{filters.cpv_prefix}%")
        )
        query = query.where(NoticeRow.id.in_(codes))
    return query


def list_notices(
    session: Session, filters: NoticeFilter, *, limit: int, offset: int, now: datetime
) -> tuple[int, list[NoticeRow]]:
    """Total matching notices and one page of them, soonest deadline first."""
    base = _filtered(select(NoticeRow), filters, now)
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    page = session.scalars(
        base.order_by(NoticeRow.deadline_at.is_(None), NoticeRow.deadline_at, NoticeRow.id)
        .limit(limit)
        .offset(offset)
    ).all()
    return total, list(page)


def notices_by_id(session: Session, notice_ids: Sequence[str]) -> dict[str, NoticeRow]:
    """The stored notices among ``notice_ids`` (served ids, as matches give them), one query."""
    rows = session.scalars(select(NoticeRow).where(NoticeRow.id.in_(list(notice_ids))))
    return {row.id: row for row in rows}
