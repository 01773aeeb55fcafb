"""``cotender token``: issue and revoke API bearer tokens."""

from __future__ import annotations

from datetime import UTC, datetime

import typer

from app.auth import usecases
from app.auth.principal import CLI_OPERATOR
from app.auth.tokens import DEFAULT_TOKEN_DAYS, MAX_TOKEN_DAYS, signin_url
from app.cli.common import JsonOption, echo_json, open_context

tokens_app = typer.Typer(help="API bearer tokens.", no_args_is_help=True)


@tokens_app.command("create")
def create_command(
    member: str | None = typer.Option(None, "--member", help="The member the token acts as."),
    admin: bool = typer.Option(False, "--admin", help="An admin token (may do everything)."),
    days: int = typer.Option(
        DEFAULT_TOKEN_DAYS, "--days", min=1, max=MAX_TOKEN_DAYS, help="Days until it expires."
    ),
    link: bool = typer.Option(
        False, "--link", help="Print a web sign-in link (on COTENDER_PUBLIC_URL) instead."
    ),
    as_json: bool = JsonOption,
) -> None:
    """Print a new bearer token or sign-in link (shown once: only its hash is stored)."""
    if admin == (member is not None):
        typer.echo("give exactly one of --member MEMBER_ID or --admin", err=True)
        raise typer.Exit(code=2)
    with open_context() as context, context.sessions() as session:
        issued = usecases.issue_token(
            session=session,
            principal=CLI_OPERATOR,
            secret_key=context.settings.secret_key.get_secret_value(),
            now=datetime.now(UTC),
            member_id=member,
            is_admin=admin,
            days=days,
        )
        url = signin_url(context.settings.public_url, issued.token)
    if as_json:
        echo_json(
            {
                "id": issued.id,
                "token": issued.token,
                "member_id": issued.member_id,
                "is_admin": issued.is_admin,
                "expires_at": issued.expires_at.isoformat(),
                **({"link": url} if link else {}),
            }
        )
        return
    typer.echo(url if link else issued.token)
    who = "admin" if issued.is_admin else f"member {issued.member_id}"
    typer.echo(f"token {issued.id} for {who}, expires {issued.expires_at:%Y-%m-%d}", err=True)


@tokens_app.command("revoke")
def revoke_command(token_id: str) -> None:
    """Revoke a token by its id (the part after ``ctd_``)."""
    with open_context() as context, context.sessions() as session:
        usecases.revoke_token(
            session=session, principal=CLI_OPERATOR, token_id=token_id, now=datetime.now(UTC)
        )
    typer.echo(f"token {token_id} revoked", err=True)
