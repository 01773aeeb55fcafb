"""``cotender digest send`` (cron, after ``ingest``), ``digest preferences`` and ``digest feed``."""

from __future__ import annotations

from datetime import UTC, datetime

import typer

from app.auth.principal import CLI_OPERATOR
from app.cli.common import JsonOption, VerboseOption, echo_json, open_context
from app.cli.server_client import ServerUnavailable, post_to_server
from app.digest import usecases
from app.digest.preferences import Frequency, Preferences
from app.digest.run import SendSummary, send_digests
from app.wiring.context import AppContext

INDEX_BUSY = (
    "another Cotender process owns the embedded index and no running server composed the "
    "digests ({why}): none was composed (messages already in the outbox were delivered); "
    "run digest send again when it is done"
)

digest_app = typer.Typer(help="E-mail digests and feeds.", no_args_is_help=True)


@digest_app.command("send")
def send_command(
    member: str | None = typer.Option(None, "--member", help="Only this member."),
    group: str | None = typer.Option(None, "--group", help="Only this group's list."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Compose and show, record nothing."),
    as_json: bool = JsonOption,
    verbose: bool = VerboseOption,
) -> None:
    """Send the digests that are due, then anything an earlier run left in the outbox.

    While ``cotender serve`` runs on the same data folder (it owns the embedded index),
    the server composes the digests and this command delivers them. Exit code 0 when
    everything was delivered, 2 when a message was refused for good (5xx), 3 when the
    SMTP server stayed unreachable or the index was busy (those go next run).
    """
    problems: list[str] = []

    def on_server(context: AppContext) -> SendSummary:
        body = {"member_id": member, "group_id": group, "dry_run": dry_run}
        try:
            return SendSummary.from_json(post_to_server(context, "/api/admin/digests", body))
        except ServerUnavailable as error:
            problems.append(str(error))
            return SendSummary(dry_run=dry_run, index_locked=True)

    with open_context(verbose=verbose) as context:
        summary = send_digests(
            context,
            now=datetime.now(UTC),
            member_id=member,
            group_id=group,
            dry_run=dry_run,
            elsewhere=lambda: on_server(context),
        )
    if as_json:
        echo_json(summary.as_json())
    else:
        verb = "would send" if dry_run else "composed"
        typer.echo(f"{verb} {summary.composed} digest(s); nothing new for {summary.nothing_new}")
        for message in summary.messages:
            typer.echo(f"  {message['to']}: {message['subject']}")
        if summary.index_locked:
            typer.echo(INDEX_BUSY.format(why="; ".join(problems)), err=True)
        if not dry_run:
            typer.echo(f"delivered {summary.sent} message(s) to {summary.delivered_to}")
        for problem in summary.failed + summary.deferred:
            typer.echo(f"  not delivered to {problem['to']}: {problem['error']}", err=True)
    raise typer.Exit(code=summary.exit_code)


@digest_app.command("preferences")
def preferences_command(
    member: str = typer.Option(..., "--member", help="The member."),
    frequency: Frequency | None = typer.Option(None, help="daily, weekly or off."),
    threshold: float | None = typer.Option(None, help="Minimum match score told."),
    language: str | None = typer.Option(None, help="fr or en."),
    as_json: bool = JsonOption,
) -> None:
    """Show a member's digest preferences, or change them."""
    with open_context() as context, context.sessions() as session:
        current = usecases.read_preferences(
            session=session, principal=CLI_OPERATOR, member_id=member
        ).preferences
        changes = {
            key: value
            for key, value in (
                ("frequency", frequency),
                ("threshold", threshold),
                ("language", language),
            )
            if value is not None
        }
        if changes:
            try:
                current = Preferences.model_validate({**current.model_dump(), **changes})
            except ValueError as error:
                raise typer.BadParameter(str(error)) from None
            usecases.replace_preferences(
                session=session, principal=CLI_OPERATOR, member_id=member, preferences=current
            )
    if as_json:
        echo_json(current.model_dump(mode="json"))
    else:
        for key, value in current.model_dump(mode="json").items():
            typer.echo(f"{key}: {value}")


@digest_app.command("feed")
def feed_command(
    member: str = typer.Option(..., "--member", help="The member."),
    revoke: bool = typer.Option(False, "--revoke", help="Stop the current feed URLs."),
) -> None:
    """Create (or replace) a member's secret calendar and Atom feed URLs, or revoke them."""
    with open_context() as context, context.sessions() as session:
        if revoke:
            done = usecases.revoke_feed_urls(
                session=session, principal=CLI_OPERATOR, member_id=member
            )
            typer.echo("feed URLs revoked" if done else "no feed URLs to revoke")
            return
        settings = context.settings
        urls = usecases.create_feed_urls(
            session=session,
            principal=CLI_OPERATOR,
            member_id=member,
            secret_key=settings.secret_key.get_secret_value(),
            public_url=settings.public_url,
            now=datetime.now(UTC),
        )
    for kind, url in urls.items():
        typer.echo(f"{kind}: {url}")
    typer.echo("(shown once; run again to replace them, --revoke to stop them)")
