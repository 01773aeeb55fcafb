"""Live, incremental ingestion from the sources (what the nightly cron runs).

Each source is walked one day at a time, oldest first, from the day after its
watermark (or ``--since``) to today (or ``--until``). A day that completes moves
the watermark; a source that stays unreachable after retries ends its run as
failed and leaves the watermark on its last complete day, so the next run
resumes there with nothing lost or doubled.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from ingest.errors import SourceUnavailableError
from ingest.parse.boamp import parse_boamp_record
from ingest.parse.eforms import parse_eforms_xml
from ingest.parse.ted_search import parse_ted_search_notice
from ingest.pipeline import IngestSummary, ingest_results
from ingest.records import Quarantined, RecordResult, parse_or_quarantine
from ingest.runs import RunLog
from ingest.sources.boamp import BoampSource
from ingest.sources.ted import TedSource
from ingest.store import NoticeStore

logger = logging.getLogger(__name__)

DayReader = Callable[[date], Iterator[RecordResult]]


def boamp_reader(source: BoampSource) -> DayReader:
    """Read one publication day of BOAMP as parsed or quarantined records."""

    def read(day: date) -> Iterator[RecordResult]:
        for record in source.fetch(day, day):
            raw = json.dumps(record, ensure_ascii=False)
            ref = f"boamp:{record.get('idweb', '?')}"
            yield parse_or_quarantine(
                parse_boamp_record, record, source="boamp", record_ref=ref, raw=raw
            )

    return read


def ted_reader(source: TedSource) -> DayReader:
    """Read one publication day of TED; per-lot facts come from each notice's eForms XML."""

    def read(day: date) -> Iterator[RecordResult]:
        for item, xml in source.fetch(day, day):
            ref = f"ted:{item.get('publication-number', '?')}"
            from_search = parse_or_quarantine(
                parse_ted_search_notice,
                item,
                source="ted",
                record_ref=ref,
                raw=json.dumps(item, ensure_ascii=False),
            )
            if xml is None:
                yield from_search
                continue
            from_xml = parse_or_quarantine(
                parse_eforms_xml,
                xml,
                source="ted",
                record_ref=ref,
                raw=xml.decode("utf-8", "replace"),
            )
            # Notices published before eForms link legacy XML: the search fields still serve.
            if isinstance(from_xml, Quarantined) and not isinstance(from_search, Quarantined):
                yield from_search
            else:
                yield from_xml

    return read


@dataclass
class LiveResult:
    """Per-source summaries and the sources that stayed unreachable."""

    summaries: dict[str, IngestSummary] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)

    def total(self) -> IngestSummary:
        """All sources added up."""
        total = IngestSummary()
        for summary in self.summaries.values():
            total.merge(summary)
        return total


def days_to_ingest(
    *, watermark: date | None, since: date | None, until: date | None, today: date, lookback: int
) -> list[date]:
    """The days a run covers: explicit dates win, else from the watermark (re-read) to today."""
    start = since or watermark or (today - timedelta(days=lookback))
    end = until or today
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def ingest_live(
    readers: Mapping[str, DayReader],
    *,
    store: NoticeStore,
    runs: RunLog,
    since: date | None,
    until: date | None,
    today: date,
    lookback_days: int = 7,
    on_record: Callable[[], None] | None = None,
) -> LiveResult:
    """Run every source; one unreachable source does not stop the others."""
    result = LiveResult()
    for name, read in readers.items():
        days = days_to_ingest(
            watermark=runs.watermark(name),
            since=since,
            until=until,
            today=today,
            lookback=lookback_days,
        )
        run_id = runs.start(name, since=days[0] if days else None, until=days[-1] if days else None)
        summary = IngestSummary()
        failed = False
        for day in days:
            try:
                summary.merge(ingest_results(read(day), store, run_id=run_id, on_record=on_record))
            except SourceUnavailableError as error:
                summary.errors.append(f"{name} {day.isoformat()}: {error}")
                logger.error("source unavailable", extra={"source": name, "day": str(day)})
                failed = True
                break
            runs.advance(name, day, run_id)
        runs.finish(run_id, summary, failed=failed)
        result.summaries[name] = summary
        if failed:
            result.failed.append(name)
    return result
