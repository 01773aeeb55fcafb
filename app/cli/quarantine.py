"""``cotender quarantine list|show|retry``: the records ingestion could not use."""

from __future__ import annotations

import typer

from app.cli.common import JsonOption, echo_json, open_context
from app.cli.index import LOCKED, sync_index
from ingest.operations import quarantine_entry, quarantined, retry_quarantined
from ingest.store import NoticeStore

quarantine_app = typer.Typer(
    help="Records that could not be ingested, with their reasons.", no_args_is_help=True
)


@quarantine_app.command("list")
def list_command(
    limit: int = typer.Option(50, min=1, max=10_000, help="How many, newest first."),
    offset: int = typer.Option(0, min=0, help="Skip this many."),
    as_json: bool = JsonOption,
) -> None:
    """List quarantined records and why each could not be ingested."""
    with open_context() as context:
        entries = quarantined(context.sessions, limit=limit, offset=offset)
    if as_json:
        echo_json([entry.model_dump(mode="json", exclude={"raw"}) for entry in entries])
        return
    if not entries:
        typer.echo("nothing is quarantined")
    for entry in entries:
        typer.echo(f"#{entry.id} {entry.source} {entry.record_ref}: {entry.reason}")


@quarantine_app.command("show")
def show_command(entry_id: int, as_json: bool = JsonOption) -> None:
    """Show one quarantined record, its reason and its raw content."""
    with open_context() as context:
        entry = quarantine_entry(context.sessions, entry_id)
    if entry is None:
        typer.echo(f"quarantined record {entry_id} not found", err=True)
        raise typer.Exit(code=1)
    if as_json:
        echo_json(entry.model_dump(mode="json"))
        return
    typer.echo(f"#{entry.id} {entry.source} {entry.record_ref} (run {entry.run_id})")
    typer.echo(f"reason: {entry.reason}")
    typer.echo(entry.raw or "")


@quarantine_app.command("retry")
def retry_command(
    entry_ids: list[int] = typer.Argument(None, help="Quarantined record ids."),
    retry_all: bool = typer.Option(False, "--all", help="Retry every quarantined record."),
    as_json: bool = JsonOption,
) -> None:
    """Re-parse kept records with the current code; what is rescued is ingested."""
    if not entry_ids and not retry_all:
        raise typer.BadParameter("give record ids or --all", param_hint="ENTRY_IDS")
    with open_context() as context:
        report = retry_quarantined(
            context.sessions, NoticeStore(context.sessions), None if retry_all else entry_ids
        )
        if report.ingested or report.updated:
            if sync_index(context) is None:
                typer.echo(LOCKED, err=True)
    if as_json:
        echo_json(report.model_dump())
        return
    for key, value in report.model_dump().items():
        typer.echo(f"{key}: {value}")
