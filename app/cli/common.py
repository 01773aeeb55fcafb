"""What every command shares: opening the context and printing JSON."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer

from app.core.config import get_settings
from app.core.context import AppContext
from app.core.logging import configure_logging


@contextmanager
def open_context(*, verbose: bool = False) -> Iterator[AppContext]:
    """Configure logging and open the store for one command."""
    settings = get_settings()
    configure_logging("INFO" if verbose else settings.log_level)
    context = AppContext.open(settings)
    try:
        yield context
    finally:
        context.close()


def echo_json(data: Any) -> None:
    """Print ``data`` as JSON on ONE line of stdout (the ``--json`` contract).

    One object per line, so that a cron job appending summaries to a log keeps a
    log of runs that any JSON-lines reader can follow.
    """
    typer.echo(json.dumps(data, ensure_ascii=False, default=str))


VerboseOption = typer.Option(False, "--verbose", "-v", help="Log progress at INFO level.")
JsonOption = typer.Option(False, "--json", help="Print a machine-readable JSON summary.")
