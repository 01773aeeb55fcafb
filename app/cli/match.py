"""``cotender match``: which notices fit a member, which members fit a notice."""

from __future__ import annotations

from datetime import UTC, datetime

import typer

from app.auth.principal import CLI_OPERATOR
from app.cli.common import JsonOption, VerboseOption, echo_json, open_context
from app.cli.index import LOCKED
from app.feedback.usecases import match_member
from app.matching.engine import MatchingEngine
from app.matching.strength import strength_of
from app.matching.usecases import match_notice
from app.search.index import IndexLockedError
from app.wiring.context import AppContext

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
    """The notices that fit a member, best first, with how strongly (strong, good, possible,
    weak: the bands of ``app.matching.strength``) and reasons."""
    with open_context(verbose=verbose) as context, context.sessions() as session:
        document = match_member(
            session=session,
            principal=CLI_OPERATOR,
            matching=_engine(context),
            member_id=member_id,
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
        typer.echo(f"{match.score:7.3f}  {strength_of(match.score):<8}  {match.notice_id}{lot}")
        if passage:
            typer.echo(f"         « {passage['passage'][:90]} » ~ « {passage['expertise'][:60]} »")


@match_app.command("notice")
def match_notice_command(
    notice_id: str,
    limit: int = typer.Option(10, min=1, max=100, help="How many members per lot."),
    as_json: bool = JsonOption,
    verbose: bool = VerboseOption,
) -> None:
    """The members who fit a notice and each of its lots, with reasons."""
    with open_context(verbose=verbose) as context, context.sessions() as session:
        document = match_notice(
            session=session,
            matching=_engine(context),
            notice_id=notice_id,
            now=datetime.now(UTC),
            limit=limit,
        )
    if as_json:
        echo_json(document.model_dump(mode="json"))
        return
    for lot in document.lots:
        typer.echo(f"{'whole notice' if lot.lot is None else 'lot ' + lot.lot}:")
        for fit in lot.members:
            typer.echo(f"  {fit.score:7.3f}  {strength_of(fit.score):<8}  {fit.member_id}")
