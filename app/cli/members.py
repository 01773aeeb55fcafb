"""``cotender members``: import profiles from a file, export or erase a member's data."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import typer

from app.auth.principal import CLI_OPERATOR
from app.cli.common import JsonOption, echo_json, open_context
from app.core.import_report import ImportReport
from app.members.importer import import_members
from app.members.usecases import delete_member, export_member

members_app = typer.Typer(help="Members of the cooperative and partners.", no_args_is_help=True)

FileArgument = typer.Argument(..., help="A YAML or JSON file (see data/devset/members.yaml).")


def print_import_report(report: ImportReport, *, what: str, as_json: bool) -> None:
    """Print an import report (JSON on stdout, or lines on stderr) and exit 1 on errors."""
    if as_json:
        echo_json(report.to_json())
    elif report.ok:
        typer.echo(
            f"{what}: {report.imported} imported, {report.updated} updated, "
            f"{report.unchanged} unchanged",
            err=True,
        )
    else:
        for error in report.errors:
            where = f"line {error.line}" if error.line is not None else "file"
            about = " ".join(part for part in (error.id, error.field) if part)
            typer.echo(f"{where}: {about + ': ' if about else ''}{error.message}", err=True)
        typer.echo(f"{len(report.errors)} error(s): nothing was imported", err=True)
    if not report.ok:
        raise typer.Exit(code=1)


@members_app.command("import")
def import_command(path: Path = FileArgument, as_json: bool = JsonOption) -> None:
    """Import members (all or nothing); existing ids are replaced, others left alone."""
    with open_context() as context:
        report = import_members(sessions=context.sessions, path=path)
    print_import_report(report, what="members", as_json=as_json)


@members_app.command("export")
def export_command(member_id: str) -> None:
    """Print everything stored about a member as JSON."""
    with open_context() as context, context.sessions() as session:
        data = export_member(
            session=session, principal=CLI_OPERATOR, member_id=member_id, now=datetime.now(UTC)
        )
    echo_json(data)


@members_app.command("delete")
def delete_command(
    member_id: str,
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
) -> None:
    """Erase a member: profile, intentions and their audit trail, tokens, group places."""
    if not yes:
        typer.confirm(f"Erase member {member_id} and all their data?", abort=True)
    with open_context() as context, context.sessions() as session:
        delete_member(session=session, principal=CLI_OPERATOR, member_id=member_id)
    typer.echo(f"member {member_id} erased", err=True)
