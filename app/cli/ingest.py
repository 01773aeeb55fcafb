"""``cotender ingest`` (live, incremental) and ``cotender ingest-file``."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path

import httpx
import typer

from app.cli.common import JsonOption, VerboseOption, echo_json, open_context
from app.cli.index import LOCKED, sync_index
from app.cli.progress import progress
from app.core.config import Settings
from app.wiring.context import AppContext
from ingest.errors import UnknownFormatError
from ingest.files import read_file
from ingest.http import build_client
from ingest.live import DayReader, boamp_reader, ingest_live, ted_reader
from ingest.pipeline import IngestSummary, ingest_results
from ingest.runs import RunLog
from ingest.sources.boamp import BoampSource
from ingest.sources.ted import TedSource
from ingest.store import NoticeStore


class SourceChoice(StrEnum):
    """Which live sources ``cotender ingest`` reads."""

    boamp = "boamp"
    ted = "ted"
    all = "all"


def _readers(
    settings: Settings, client: httpx.Client, choice: SourceChoice
) -> dict[str, DayReader]:
    attempts, wait = settings.http_max_attempts, settings.http_max_wait_seconds
    readers: dict[str, DayReader] = {}
    if choice in (SourceChoice.boamp, SourceChoice.all):
        boamp = BoampSource(client, settings.boamp_base_url, max_attempts=attempts, max_wait=wait)
        readers["boamp"] = boamp_reader(boamp)
    if choice in (SourceChoice.ted, SourceChoice.all):
        ted = TedSource(
            client,
            settings.ted_base_url,
            scope_query=settings.ted_scope_query,
            max_attempts=attempts,
            max_wait=wait,
        )
        readers["ted"] = ted_reader(ted)
    return readers


def _parse_day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"expected YYYY-MM-DD, got {value!r}", param_hint=option) from None


def ingest_command(
    source: SourceChoice = typer.Option(SourceChoice.all, help="Which source to read."),
    since: str | None = typer.Option(None, help="First publication day (YYYY-MM-DD)."),
    until: str | None = typer.Option(None, help="Last publication day (YYYY-MM-DD)."),
    as_json: bool = JsonOption,
    verbose: bool = VerboseOption,
) -> None:
    """Ingest new notices from BOAMP and TED, continuing from the last successful day."""
    first, last = _parse_day(since, "--since"), _parse_day(until, "--until")
    if first and last and first > last:
        raise typer.BadParameter("--since is after --until", param_hint="--since")
    with open_context(verbose=verbose) as context:
        settings = context.settings
        client = build_client(user_agent=settings.user_agent, timeout=settings.http_timeout_seconds)
        with client, progress("ingesting") as tick:
            result = ingest_live(
                _readers(settings, client, source),
                store=NoticeStore(context.sessions),
                runs=RunLog(context.sessions),
                since=first,
                until=last,
                today=datetime.now(UTC).date(),
                on_record=tick,
            )
        _index_new_notices(context)
    total = result.total()
    report = {
        **total.counts(),
        "sources": {name: s.counts() for name, s in result.summaries.items()},
        "failed_sources": result.failed,
        "errors": total.errors,
    }
    _print_summary(report, as_json)
    if result.failed:
        raise typer.Exit(code=2)


def ingest_paths(context: AppContext, paths: list[Path]) -> tuple[IngestSummary, list[str]]:
    """Ingest files one by one; an unreadable file is reported and the others go on."""
    store = NoticeStore(context.sessions)
    runs = RunLog(context.sessions)
    total = IngestSummary()
    unreadable: list[str] = []
    for path in paths:
        run_id = runs.start(f"file:{path.name}"[:40], since=None, until=None)
        summary = IngestSummary()
        try:
            with progress(f"ingesting {path.name}") as tick:
                summary = ingest_results(read_file(path), store, run_id=run_id, on_record=tick)
        except (UnknownFormatError, OSError) as error:
            summary.errors.append(str(error))
            unreadable.append(str(error).replace(path.name, str(path), 1))
        runs.finish(run_id, summary, failed=bool(summary.errors))
        total.merge(summary)
    return total, unreadable


def ingest_file_command(
    paths: list[Path] = typer.Argument(..., help="Files to ingest (format auto-detected)."),
    as_json: bool = JsonOption,
    verbose: bool = VerboseOption,
) -> None:
    """Ingest BOAMP, TED, eForms, DECP or notice JSON lines files."""
    with open_context(verbose=verbose) as context:
        total, unreadable = ingest_paths(context, paths)
        _index_new_notices(context)
    report: dict[str, object] = {**total.counts()}
    if unreadable:
        report["unreadable_files"] = unreadable
    _print_summary(report, as_json)
    if unreadable and len(unreadable) == len(paths):
        raise typer.Exit(code=1)


def _index_new_notices(context: AppContext) -> None:
    """Make new notices searchable now, unless a running server owns the index."""
    if sync_index(context) is None:
        typer.echo(LOCKED, err=True)


def _print_summary(report: dict[str, object], as_json: bool) -> None:
    if as_json:
        echo_json(report)
        return
    for key, value in report.items():
        typer.echo(f"{key}: {value}")
