"""``cotender feedback``: mark a proposed notice relevant or not for a member, list the verdicts."""

from __future__ import annotations

from datetime import UTC, datetime

import typer

from app.cli.common import JsonOption, echo_json, open_context
from app.core.db import transaction
from app.feedback.examples import Verdict
from app.feedback.store import (
    feedback_document,
    list_feedback,
    set_feedback,
    withdraw_feedback,
)
from models.errors import NotFoundError

feedback_app = typer.Typer(
    help="What members said of proposed notices (later matches learn from it).",
    no_args_is_help=True,
)


@feedback_app.command("set")
def set_command(
    member_id: str,
    notice_id: str = typer.Argument(..., help="Any id of the notice."),
    verdict: Verdict = typer.Argument(..., help="relevant, or not_relevant (not for me)."),
    as_json: bool = JsonOption,
) -> None:
    """Record a member's verdict on a notice (replaces an earlier one)."""
    with open_context() as context:
        try:
            with transaction(context.sessions) as session:
                row = set_feedback(
                    session=session,
                    member_id=member_id,
                    notice_id=notice_id,
                    verdict=verdict,
                    now=datetime.now(UTC),
                )
                document = feedback_document(row)
        except NotFoundError as error:
            typer.echo(error.message, err=True)
            raise typer.Exit(code=1) from error
    if as_json:
        echo_json(document)
    else:
        typer.echo(f"{member_id}: {document['notice_id']} {document['verdict']}", err=True)


@feedback_app.command("withdraw")
def withdraw_command(
    member_id: str, notice_id: str = typer.Argument(..., help="Any id of the notice.")
) -> None:
    """Withdraw a member's verdict on a notice."""
    with open_context() as context:
        try:
            with transaction(context.sessions) as session:
                withdraw_feedback(session=session, member_id=member_id, notice_id=notice_id)
        except NotFoundError as error:
            typer.echo(error.message, err=True)
            raise typer.Exit(code=1) from error


@feedback_app.command("list")
def list_command(member_id: str, as_json: bool = JsonOption) -> None:
    """A member's verdicts, latest first."""
    with open_context() as context, context.sessions() as session:
        try:
            documents = [
                feedback_document(r) for r in list_feedback(session=session, member_id=member_id)
            ]
        except NotFoundError as error:
            typer.echo(error.message, err=True)
            raise typer.Exit(code=1) from error
    if as_json:
        echo_json(documents)
        return
    for document in documents:
        typer.echo(
            f"{document['updated_at'][:19]}  {document['verdict']:<13} {document['notice_id']}"
        )
