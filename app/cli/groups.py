"""``cotender groups``: import groups and their procedures from a file."""

from __future__ import annotations

from pathlib import Path

import typer

from app.cli.common import JsonOption, open_context
from app.cli.members import print_import_report
from app.groups.importer import import_groups

groups_app = typer.Typer(help="Groups of members and their procedures.", no_args_is_help=True)


@groups_app.command("import")
def import_command(
    path: Path = typer.Argument(..., help="A YAML or JSON file (see data/devset/group.yaml)."),
    as_json: bool = JsonOption,
) -> None:
    """Import groups (all or nothing); existing ids are replaced, others left alone."""
    with open_context() as context:
        report = import_groups(sessions=context.sessions, path=path)
    print_import_report(report, what="groups", as_json=as_json)
