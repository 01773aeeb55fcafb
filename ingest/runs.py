"""Run records and per-source watermarks: what makes ``cotender ingest`` incremental.

A live run walks day by day and moves the source's watermark after each day it
finished, so a crashed run leaves the watermark on the last complete day and
the next run starts again from there (re-reading a day is harmless: upserts
are idempotent).
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session, sessionmaker

from ingest.pipeline import IngestSummary
from models.schema import IngestRunRow, SourceWatermarkRow, utcnow


class RunLog:
    """Creates, finishes and queries ingestion runs and watermarks."""

    def __init__(self, factory: sessionmaker[Session]) -> None:
        self._factory = factory

    def start(self, source: str, *, since: date | None, until: date | None) -> int:
        """Record that a run started; returns its id."""
        with self._factory() as session, session.begin():
            run = IngestRunRow(
                source=source, status="running", since=since, until=until, counts={}, errors=[]
            )
            session.add(run)
            session.flush()
            return run.id

    def finish(self, run_id: int, summary: IngestSummary, *, failed: bool) -> None:
        """Record how a run ended, with its counts and errors."""
        with self._factory() as session, session.begin():
            run = session.get_one(IngestRunRow, run_id)
            run.status = "failed" if failed else "succeeded"
            run.counts = summary.counts()
            run.errors = list(summary.errors)
            run.finished_at = utcnow()

    def watermark(self, source: str) -> date | None:
        """The last day of ``source`` that was fully ingested, if any."""
        with self._factory() as session:
            row = session.get(SourceWatermarkRow, source)
            return row.ingested_until if row else None

    def advance(self, source: str, day: date, run_id: int) -> None:
        """Move the watermark forward to ``day``: never backwards, never over a gap."""
        with self._factory() as session, session.begin():
            row = session.get(SourceWatermarkRow, source)
            if row is None:
                session.add(SourceWatermarkRow(source=source, ingested_until=day, run_id=run_id))
            elif row.ingested_until < day <= row.ingested_until + timedelta(days=1):
                row.ingested_until = day
                row.run_id = run_id
