"""``cotender notices``: show and re-normalise notices."""

from __future__ import annotations

from datetime import UTC, datetime

import typer

from app.cli.common import JsonOption, echo_json, open_context
from app.notices.queries import served_notice
from ingest.store import NoticeStore

notices_app = typer.Typer(help="Read notices from the store.", no_args_is_help=True)


@notices_app.command("show")
def show_command(notice_id: str, as_json: bool = JsonOption) -> None:
    """Print one notice (any of its source ids) in the notice JSON form."""
    with open_context() as context, context.sessions() as session:
        _, notice = served_notice(session, notice_id, now=datetime.now(UTC))
    if as_json:
        echo_json(notice.model_dump(mode="json"))
        return
    typer.echo(f"{notice.id}  {notice.title}")
    typer.echo(f"status: {notice.status}  deadline: {notice.deadline}  sources: {notice.sources}")


@notices_app.command("renormalise")
def renormalise_command() -> None:
    """Re-derive every notice from its kept source records (after a normaliser change)."""
    with open_context() as context:
        count = NoticeStore(context.sessions).rebuild_all()
    typer.echo(f"re-derived {count} notices")
