"""``cotender match``: which notices fit a member, which members fit a notice."""

from __future__ import annotations

from datetime import UTC, datetime

import typer

from app.cli.common import JsonOption, VerboseOption, echo_json, open_context
from app.cli.index import LOCKED
from app.core.context import AppContext
from app.feedback.service import matches_with_feedback
from app.matching.engine import MatchingEngine
from app.matching.present import notice_matches
from app.members.service import get_member, list_all_members, member_from_row
from app.notices.queries import resolve_notice_id
from app.search.index import IndexLockedError

match_app = typer.Typer(help="Match members and notices.", no_args_is_help=True)


def _engine(context: AppContext) -> MatchingEngine:
    try:
        return context.matching
    except IndexLockedError:
        typer.echo(LOCKED + " (use the API)", err=True)
        raise typer.Exit(code=3) from None


@match_app.command("member")
def match_member_command(
    member_id: str,
    limit: int = typer.Option(20, min=1, max=500, help="How many notices."),
    include_closed: bool = typer.Option(False, "--include-closed", help="Closed notices too."),
    as_json: bool = JsonOption,
    verbose: bool = VerboseOption,
) -> None:
    """The notices that fit a member, best first, with reasons."""
    with open_context(verbose=verbose) as context:
        with context.sessions() as session:
            row = get_member(session=session, member_id=member_id)
            if row is None:
                typer.echo(f"member {member_id} not found", err=True)
                raise typer.Exit(code=1)
            member = member_from_row(row)
        engine = _engine(context)
        # Feedback (issue 12): the engine's list re-ranked by what the member said of notices.
        with context.sessions() as session:
            document = matches_with_feedback(
                session,
                engine,
                context.index,
                member,
                now=datetime.now(UTC),
                limit=limit,
                include_closed=include_closed,
            )
    if as_json:
        echo_json(document.model_dump(mode="json"))
        return
    for match in document.matches:
        lot = f" lot {match.lot}" if match.lot else ""
        passage = next((r for r in match.reasons if r["type"] == "passage"), None)
        typer.echo(f"{match.score:7.3f}  {match.notice_id}{lot}")
        if passage:
            typer.echo(f"         « {passage['passage'][:90]} » ~ « {passage['expertise'][:60]} »")
        for reason in (r for r in match.reasons if r["type"] == "feedback"):
            typer.echo(f"         {reason['detail_fr']}")


@match_app.command("notice")
def match_notice_command(
    notice_id: str,
    limit: int = typer.Option(10, min=1, max=100, help="How many members per lot."),
    as_json: bool = JsonOption,
    verbose: bool = VerboseOption,
) -> None:
    """The members who fit a notice and each of its lots, with reasons."""
    with open_context(verbose=verbose) as context:
        with context.sessions() as session:
            resolved = resolve_notice_id(session, notice_id)
            members = [member_from_row(row) for row in list_all_members(session=session)]
        if resolved is None:
            typer.echo(f"notice {notice_id} not found", err=True)
            raise typer.Exit(code=1)
        try:
            found = _engine(context).match_notice(
                resolved, members, now=datetime.now(UTC), limit=limit
            )
        except KeyError:
            typer.echo(f"notice {notice_id} is not matchable (an award notice?)", err=True)
            raise typer.Exit(code=1) from None
    document = notice_matches(found)
    if as_json:
        echo_json(document.model_dump(mode="json"))
        return
    for lot in document.lots:
        typer.echo(f"{'whole notice' if lot.lot is None else 'lot ' + lot.lot}:")
        for fit in lot.members:
            typer.echo(f"  {fit.score:7.3f}  {fit.member_id}")
