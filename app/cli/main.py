"""The ``cotender`` entry point: one Typer app, commands from small modules."""

from __future__ import annotations

import typer

from app.cli.consortia import consortia_command
from app.cli.digest import digest_app
from app.cli.draft import draft_command
from app.cli.feedback import feedback_app
from app.cli.groups import groups_app
from app.cli.index import index_app
from app.cli.ingest import ingest_command, ingest_file_command
from app.cli.match import match_app
from app.cli.members import members_app
from app.cli.notices import notices_app
from app.cli.quarantine import quarantine_app
from app.cli.runs import runs_command
from app.cli.serve import demo_command, serve_command
from app.cli.tokens import tokens_app

cli = typer.Typer(
    help="Cotender: public tenders matched to a cooperative's members, answered together.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
cli.command("demo")(demo_command)
cli.command("serve")(serve_command)
cli.command("ingest")(ingest_command)
cli.command("ingest-file")(ingest_file_command)
cli.command("runs")(runs_command)
cli.add_typer(quarantine_app, name="quarantine")
cli.add_typer(notices_app, name="notices")
cli.add_typer(index_app, name="index")
cli.add_typer(match_app, name="match")
cli.add_typer(members_app, name="members")
cli.add_typer(feedback_app, name="feedback")
cli.add_typer(groups_app, name="groups")
cli.add_typer(tokens_app, name="token")
cli.command("consortia")(consortia_command)
cli.command("draft")(draft_command)
cli.add_typer(digest_app, name="digest")


def main() -> None:
    """Run the CLI."""
    cli()


if __name__ == "__main__":
    main()
