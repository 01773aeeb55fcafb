"""Apply a stream of read records to the store and count what happened.

One bad record never stops the others: a :class:`Quarantined` result is kept
with its reason, and a record that fails while being stored is quarantined too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from ingest.errors import ReasonCode
from ingest.records import Quarantined, RecordResult, Skipped
from ingest.store import NoticeStore, Outcome
from models.notice import ParsedRecord

logger = logging.getLogger(__name__)


@dataclass
class IngestSummary:
    """The counts of the ``--json`` contract, plus errors that stopped a file or source."""

    ingested: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    quarantined: int = 0
    errors: list[str] = field(default_factory=list)

    def count(self, outcome: Outcome) -> None:
        """Add one applied record."""
        setattr(self, outcome.value, getattr(self, outcome.value) + 1)

    def merge(self, other: IngestSummary) -> None:
        """Add another summary's counts and errors to this one."""
        for name in ("ingested", "updated", "unchanged", "skipped", "quarantined"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors.extend(other.errors)

    @property
    def total(self) -> int:
        """Records accounted for."""
        return self.ingested + self.updated + self.unchanged + self.skipped + self.quarantined

    def counts(self) -> dict[str, int]:
        """The five counts only (the CLI ``--json`` contract)."""
        data: dict[str, Any] = asdict(self)
        data.pop("errors")
        return data


BATCH_SIZE = 500


def ingest_results(
    results: Iterable[RecordResult],
    store: NoticeStore,
    *,
    run_id: int | None = None,
    on_record: Callable[[], None] | None = None,
) -> IngestSummary:
    """Store every result in batches; quarantine what cannot be read or stored."""
    summary = IngestSummary()
    batch: list[ParsedRecord] = []
    for result in results:
        if isinstance(result, Skipped):
            logger.info(
                "record skipped",
                extra={"source": result.source, "ref": result.record_ref, "kind": result.kind},
            )
            summary.skipped += 1
            if on_record is not None:
                on_record()
            continue
        if isinstance(result, Quarantined):
            _quarantine(store, result, run_id)
            summary.quarantined += 1
            if on_record is not None:
                on_record()
            continue
        batch.append(result)
        if len(batch) >= BATCH_SIZE:
            _store_batch(store, batch, summary, run_id, on_record)
            batch = []
    if batch:
        _store_batch(store, batch, summary, run_id, on_record)
    return summary


def _store_batch(
    store: NoticeStore,
    batch: list[ParsedRecord],
    summary: IngestSummary,
    run_id: int | None,
    on_record: Callable[[], None] | None,
) -> None:
    """One transaction for the batch; if it fails, record by record to isolate the culprit."""
    try:
        outcomes = store.apply_batch(batch)
    except (SQLAlchemyError, ValueError):
        outcomes = []
        for record in batch:
            try:
                outcomes.append(store.apply(record))
            except (SQLAlchemyError, ValueError) as error:
                logger.warning(
                    "record could not be stored",
                    extra={"id": record.notice.id, "error": type(error).__name__},
                )
                _quarantine(store, storage_failure(record, error), run_id)
                summary.quarantined += 1
    for outcome in outcomes:
        summary.count(outcome)
    if on_record is not None:
        for _ in batch:
            on_record()


def storage_failure(record: ParsedRecord, error: Exception) -> Quarantined:
    """A parsed record the store refused, with why, said for a person (no database text)."""
    notice = record.notice.id
    if isinstance(error, IntegrityError):
        detail = "it conflicts with a record already stored under one of its identifiers"
        reason = f"{notice} could not be stored: {detail}; the raw record is kept for "
        reason += "`cotender quarantine retry`"
    elif isinstance(error, SQLAlchemyError):
        detail = "the database refused it"
        reason = f"{notice} could not be stored: {detail}; the raw record is kept for "
        reason += "`cotender quarantine retry`"
    else:
        detail = str(error)[:1500]
        reason = f"{notice} could not be stored: {error}"[:2000]
    return Quarantined(
        source=record.notice.source,
        record_ref=notice,
        reason=reason,
        raw=record.raw,
        code=ReasonCode.not_stored,
        params={"notice": notice, "detail": detail},
    )


def _quarantine(store: NoticeStore, result: Quarantined, run_id: int | None) -> None:
    logger.info(
        "record quarantined",
        extra={"source": result.source, "ref": result.record_ref, "reason": result.reason},
    )
    store.quarantine(result, run_id=run_id)
