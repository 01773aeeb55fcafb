"""``cotender index``: rebuild or catch up the vector index from the store."""

from __future__ import annotations

import typer

from app.cli.common import JsonOption, VerboseOption, echo_json, open_context
from app.cli.progress import progress
from app.search.index import IndexLockedError
from app.search.indexer import Indexer, IndexReport
from app.wiring.context import AppContext

index_app = typer.Typer(
    help="Maintain the vector index (derived from the store).", no_args_is_help=True
)

LOCKED = "the index is owned by a running Cotender server; it indexes new notices itself"


def sync_index(context: AppContext, *, rebuild: bool = False) -> IndexReport | None:
    """Index what is pending (everything after ``rebuild``); None if another process owns it."""
    try:
        indexer = Indexer(context.sessions, context.index, context.embedder)
    except IndexLockedError:
        return None
    if rebuild:
        indexer.reset()
    with progress("indexing", total=indexer.pending_notices()) as tick:
        return indexer.sync(on_progress=tick)


def _report(report: IndexReport | None, as_json: bool) -> None:
    if report is None:
        typer.echo(LOCKED, err=True)
        raise typer.Exit(code=3)
    data = {"notices": report.notices, "members": report.members, "points": report.points}
    if as_json:
        echo_json(data)
    else:
        typer.echo(
            f"indexed {report.notices} notices, {report.members} members: {report.points} points"
        )


@index_app.command("rebuild")
def rebuild_command(as_json: bool = JsonOption, verbose: bool = VerboseOption) -> None:
    """Drop the index and rebuild it from the store."""
    with open_context(verbose=verbose) as context:
        _report(sync_index(context, rebuild=True), as_json)


@index_app.command("sync")
def sync_command(as_json: bool = JsonOption, verbose: bool = VerboseOption) -> None:
    """Index the notices and members changed since the last pass."""
    with open_context(verbose=verbose) as context:
        _report(sync_index(context), as_json)
