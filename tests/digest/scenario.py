"""The digest tests' store: real devset notices, the sample people, intentions on two notices.

- the concertation notice (a real devset notice with three lots, ``tests.utils.concertation``)
  closes in 22 days: ``go_no_go`` (D-18, the group lead's) falls within the week; m-studies
  (the sample lead) leads it;
- the first devset notice, with two lots, closes in 5 days: m-studies is interested in it;
- 150 other devset notices.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.wiring.background import sync_once
from app.wiring.context import AppContext
from ingest.files import read_file
from ingest.pipeline import IngestSummary, ingest_results
from ingest.store import NoticeStore
from models.consortium import IntentionRole
from tests.utils.concertation import NOTICE, concertation_record, declare_intentions
from tests.utils.data import devset_lines
from tests.utils.people import SAMPLE_LEAD, load_people, make_notice

CLOSING = "boamp:26-0001"
DEVSET_NOTICES = 150


def concertation_deadline(now: datetime) -> datetime:
    """The concertation notice's first deadline: 22 days ahead, 12:00 Paris (11:00 UTC)."""
    return (now + timedelta(days=22)).replace(hour=11, minute=0, second=0, microsecond=0)


def ingest_jsonl(
    context: AppContext, folder: Path, records: list[dict[str, object]]
) -> IngestSummary:
    """Ingest notice JSON lines through the real file pipeline."""
    path = folder / f"notices-{len(list(folder.glob('*.jsonl')))}.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return ingest_results(read_file(path), NoticeStore(context.sessions))


def build_store(context: AppContext, folder: Path, *, now: datetime) -> None:
    """Load the people, the notices and the intentions, and index everything."""
    load_people(context)
    lines = [json.loads(line) for line in devset_lines(DEVSET_NOTICES + 1)[1:]]
    ingest_jsonl(
        context, folder, [*lines, concertation_record(deadline=concertation_deadline(now))]
    )
    make_notice(context, notice_id=CLOSING, deadline=now + timedelta(days=5))
    declare_intentions(context)
    declare_intentions(context, CLOSING, {SAMPLE_LEAD: (IntentionRole.interested, [])})
    assert sync_once(context)


def move_deadline(context: AppContext, folder: Path, *, now: datetime, days: int) -> IngestSummary:
    """A new version of the concertation notice whose deadline moved by ``days``."""
    moved = concertation_deadline(now) + timedelta(days=days)
    summary = ingest_jsonl(context, folder, [concertation_record(deadline=moved)])
    assert summary.updated == 1, summary
    return summary


def now_utc() -> datetime:
    """The tests' clock (the store stamps rows with the real time)."""
    return datetime.now(UTC)


__all__ = ["CLOSING", "NOTICE", "build_store", "move_deadline", "now_utc"]
