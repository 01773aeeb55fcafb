"""Notice look-ups: by id (any source id resolves), and filtered, paged lists.

:func:`served_notice` and :func:`answerable_notice` are the one way a use case
loads a notice it acts on (consortia, drafts, intentions): unknown ids raise
``NotFoundError``, a notice that can no longer be answered
:class:`NoticeClosedError`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from models.errors import ConflictError, NotFoundError
from models.notice import Notice, NoticeStatus, RecordKind
from models.schema import NoticeCpvRow, NoticeRow, RecordAliasRow, SourceRecordRow
from models.vocabulary.text import fold


def present(row: NoticeRow, *, now: datetime) -> Notice:
    """The notice JSON as served: an open notice whose deadline has passed reads ``closed``.

    Only ``open`` notices close: a ``planned`` one (prior information) stays an early
    warning, and open-only filters never count it as open.
    """
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


CLOSED_FOR_GOOD = (NoticeStatus.cancelled, NoticeStatus.awarded)
"""Statuses after which nothing more is answered: no consortium, no draft."""


class NoticeClosedError(ConflictError):
    """Raised when a notice (or a lot) is no longer open for what is asked, from a use case."""


def served_notice(session: Session, notice_id: str, *, now: datetime) -> tuple[NoticeRow, Notice]:
    """The notice row for any of its ids and the notice as served; ``NotFoundError``."""
    row = get_notice(session, notice_id)
    if row is None:
        raise NotFoundError(f"notice {notice_id} not found")
    return row, present(row, now=now)


def answerable_notice(
    session: Session, notice_id: str, *, now: datetime
) -> tuple[NoticeRow, Notice]:
    """:func:`served_notice`, refused with :class:`NoticeClosedError` once cancelled or awarded.

    A closed notice (deadline passed) is still answerable, for the record.
    """
    row, notice = served_notice(session, notice_id, now=now)
    if notice.status in CLOSED_FOR_GOOD:
        raise NoticeClosedError(f"notice {notice.id} is {notice.status.value}: nothing to answer")
    return row, notice


@dataclass(frozen=True)
class NoticeFilter:
    """Filters of ``GET /api/notices`` and ``cotender notices list``.

    ``text`` is looked for in the title and the buyer's name, folded on both
    sides (accents, case, ligatures, punctuation do not matter); a text with no
    letter or digit filters nothing.
    """

    text: str | None = None
    cpv_prefix: str | None = None
    open_only: bool = False
    include_awards: bool = False
    source: str | None = None
    min_value: float | None = None
    max_value: float | None = None


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
    folded = fold(filters.text or "")
    if folded:
        # Folded words only ([a-z0-9 ]): nothing to escape in the pattern.
        query = query.where(NoticeRow.search_key.like(f"%{folded}%"))
    # A value bound keeps only notices that give an estimated value within it.
    if filters.min_value is not None:
        query = query.where(NoticeRow.value_amount >= filters.min_value)
    if filters.max_value is not None:
        query = query.where(NoticeRow.value_amount <= filters.max_value)
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
