"""``cotender runs``: the last ingestion runs, for an operator."""

from __future__ import annotations

import typer

from app.cli.common import JsonOption, echo_json, open_context
from ingest.operations import recent_runs


def runs_command(
    limit: int = typer.Option(20, min=1, max=1000, help="How many runs, newest first."),
    as_json: bool = JsonOption,
) -> None:
    """Show the last ingestion runs: source, start, end, counts, errors, watermark."""
    with open_context() as context:
        runs = recent_runs(context.sessions, limit=limit)
    if as_json:
        echo_json([run.model_dump(mode="json") for run in runs])
        return
    if not runs:
        typer.echo("no ingestion run yet")
    for run in runs:
        end = run.finished_at.isoformat(timespec="seconds") if run.finished_at else "running"
        counts = ", ".join(f"{name} {count}" for name, count in run.counts.items())
        mark = f"  watermark {run.watermark}" if run.watermark else ""
        typer.echo(
            f"#{run.id} {run.source} {run.status}  "
            f"{run.started_at.isoformat(timespec='seconds')} → {end}  {counts}{mark}"
        )
        for error in run.errors:
            typer.echo(f"    error: {error}")
