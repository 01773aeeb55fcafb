"""What an operator sees and does: recent runs, quarantined records, and retrying them.

Quarantined records keep their raw content, so once a parser is fixed
:func:`retry_quarantined` re-parses them with the current code: what the fix
rescues is stored (and leaves the quarantine), the rest stays with its new reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from ingest.files import reparse
from ingest.pipeline import IngestSummary, storage_failure
from ingest.records import Quarantined, Skipped
from ingest.store import NoticeStore
from models.schema import IngestRunRow, QuarantineRow, SourceWatermarkRow


class RunView(BaseModel):
    """One ingestion run as an operator reads it."""

    id: int
    source: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    counts: dict[str, Any]
    errors: list[Any]
    watermark: str | None  # the source's last fully ingested day (live sources only)


class QuarantineView(BaseModel):
    """One quarantined record; ``raw`` only when a single entry is shown."""

    id: int
    run_id: int | None
    source: str
    record_ref: str
    reason: str
    reason_code: str | None = None
    reason_params: dict[str, str] = {}
    created_at: datetime
    raw: str | None = None


class RetryReport(BaseModel):
    """What a retry did: counts of the rescued records, and what stays quarantined."""

    retried: int
    ingested: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    still_quarantined: int = 0


def recent_runs(factory: sessionmaker[Session], *, limit: int = 20) -> list[RunView]:
    """The last runs, newest first, each with its source's current watermark."""
    with factory() as session:
        rows = session.scalars(
            select(IngestRunRow).order_by(IngestRunRow.id.desc()).limit(limit)
        ).all()
        marks = {
            row.source: row.ingested_until for row in session.scalars(select(SourceWatermarkRow))
        }
    return [
        RunView(
            id=row.id,
            source=row.source,
            status=row.status,
            started_at=row.started_at,
            finished_at=row.finished_at,
            counts=row.counts or {},
            errors=row.errors or [],
            watermark=marks[row.source].isoformat() if row.source in marks else None,
        )
        for row in rows
    ]


def quarantined(
    factory: sessionmaker[Session], *, limit: int = 50, offset: int = 0
) -> list[QuarantineView]:
    """Quarantined records, newest first, without their raw content."""
    with factory() as session:
        rows = session.scalars(
            select(QuarantineRow).order_by(QuarantineRow.id.desc()).limit(limit).offset(offset)
        ).all()
    return [_view(row, with_raw=False) for row in rows]


def quarantine_entry(factory: sessionmaker[Session], entry_id: int) -> QuarantineView | None:
    """One quarantined record with its raw content, or None."""
    with factory() as session:
        row = session.get(QuarantineRow, entry_id)
        return _view(row, with_raw=True) if row is not None else None


def retry_quarantined(
    factory: sessionmaker[Session], store: NoticeStore, ids: Sequence[int] | None = None
) -> RetryReport:
    """Re-parse the given quarantined records (all when ``ids`` is None) with the current code."""
    with factory() as session:
        query = select(QuarantineRow).order_by(QuarantineRow.id)
        if ids is not None:
            query = query.where(QuarantineRow.id.in_(list(ids)))
        rows = session.scalars(query).all()
    summary = IngestSummary()
    for row in rows:
        still = _retry_one(row, store, summary)
        with factory() as session, session.begin():
            kept = session.get_one(QuarantineRow, row.id)
            if still is None:
                session.delete(kept)
            else:
                kept.reason = still.reason
                kept.reason_code = still.code
                kept.reason_params = dict(still.params) if still.code else None
    return RetryReport(
        retried=len(rows),
        ingested=summary.ingested,
        updated=summary.updated,
        unchanged=summary.unchanged,
        skipped=summary.skipped,
        still_quarantined=summary.quarantined,
    )


def _retry_one(
    row: QuarantineRow, store: NoticeStore, summary: IngestSummary
) -> Quarantined | None:
    """Parse and store one record; why it stays quarantined, or None when rescued."""
    result = reparse(row.source, row.raw, row.record_ref)
    if isinstance(result, Quarantined):
        summary.quarantined += 1
        return result
    if isinstance(result, Skipped):
        summary.skipped += 1
        return None
    try:
        summary.count(store.apply(result))
    except (SQLAlchemyError, ValueError) as error:
        summary.quarantined += 1
        return storage_failure(result, error)
    return None


def _view(row: QuarantineRow, *, with_raw: bool) -> QuarantineView:
    return QuarantineView(
        id=row.id,
        run_id=row.run_id,
        source=row.source,
        record_ref=row.record_ref,
        reason=row.reason,
        reason_code=row.reason_code,
        reason_params=row.reason_params or {},
        created_at=row.created_at,
        raw=row.raw if with_raw else None,
    )
