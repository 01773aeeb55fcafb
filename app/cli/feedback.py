"""``cotender feedback``: mark a proposed notice relevant or not for a member, list the verdicts."""

from __future__ import annotations

from datetime import UTC, datetime

import typer

from app.auth.principal import CLI_OPERATOR
from app.cli.common import JsonOption, echo_json, open_context
from app.feedback import usecases
from app.members.feedback import feedback_document
from app.members.feedback_examples import Verdict

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
    with open_context() as context, context.sessions() as session:
        row = usecases.record_feedback(
            session=session,
            principal=CLI_OPERATOR,
            member_id=member_id,
            notice_id=notice_id,
            verdict=verdict,
            now=datetime.now(UTC),
        )
        document = feedback_document(row)
    if as_json:
        echo_json(document)
    else:
        typer.echo(f"{member_id}: {document['notice_id']} {document['verdict']}", err=True)


@feedback_app.command("withdraw")
def withdraw_command(
    member_id: str, notice_id: str = typer.Argument(..., help="Any id of the notice.")
) -> None:
    """Withdraw a member's verdict on a notice."""
    with open_context() as context, context.sessions() as session:
        usecases.withdraw_feedback(
            session=session, principal=CLI_OPERATOR, member_id=member_id, notice_id=notice_id
        )


@feedback_app.command("list")
def list_command(member_id: str, as_json: bool = JsonOption) -> None:
    """A member's verdicts, latest first."""
    with open_context() as context, context.sessions() as session:
        rows = usecases.read_feedback(session=session, principal=CLI_OPERATOR, member_id=member_id)
        documents = [feedback_document(row) for row in rows]
    if as_json:
        echo_json(documents)
        return
    for document in documents:
        typer.echo(
            f"{document['updated_at'][:19]}  {document['verdict']:<13} {document['notice_id']}"
        )
