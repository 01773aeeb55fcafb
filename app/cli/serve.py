"""``cotender serve`` and ``cotender demo``."""

from __future__ import annotations

import typer
import uvicorn

from app.cli.common import VerboseOption, open_context
from app.cli.index import LOCKED, sync_index
from app.cli.ingest import ingest_paths
from app.core.config import bound_to, get_settings
from app.core.logging import configure_logging
from app.demo import bundled_notice_files, demo_people
from app.main import create_app
from app.wiring.server_address import remove_server_address, write_server_address


def serve_command(
    host: str = typer.Option("127.0.0.1", help="Interface to bind."),
    port: int = typer.Option(8000, min=1, max=65535, help="Port to listen on."),
    verbose: bool = VerboseOption,
) -> None:
    """Serve the HTTP API (and tell the data folder's other commands where: ``digest send``)."""
    settings = bound_to(get_settings(), host, port)
    configure_logging("INFO" if verbose else settings.log_level)
    write_server_address(settings, host=host, port=port)
    try:
        uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")
    finally:
        remove_server_address(settings)


def demo_command(
    host: str = typer.Option("127.0.0.1", help="Interface to bind."),
    port: int = typer.Option(8000, min=1, max=65535, help="Port to listen on."),
    load_only: bool = typer.Option(False, "--load-only", help="Load the data, do not serve."),
    verbose: bool = VerboseOption,
) -> None:
    """Load the bundled real notices, sample members and group, then serve the API."""
    settings = bound_to(get_settings(), host, port)  # the sign-in links name this server
    with open_context(verbose=verbose, settings=settings) as context:
        summary, unreadable = ingest_paths(context, bundled_notice_files())
        people = demo_people(context)
        indexed = sync_index(context)
    typer.echo(
        f"demo data: {summary.ingested} new, {summary.updated} updated, "
        f"{summary.unchanged} unchanged, {summary.skipped} skipped, "
        f"{summary.quarantined} quarantined notices",
        err=True,
    )
    for problem in unreadable:
        typer.echo(f"not loaded: {problem}", err=True)
    if indexed is None:
        typer.echo(LOCKED, err=True)
    else:
        typer.echo(f"index: {indexed.notices} notices, {indexed.members} members", err=True)
    typer.echo("\n".join(people), err=True)
    if not load_only:
        typer.echo(f"serving on http://{host}:{port} (OpenAPI at /docs)", err=True)
        serve_command(host=host, port=port, verbose=verbose)
