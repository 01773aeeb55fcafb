"""What every command shares: opening the context, refusals as messages, printing JSON.

The domain's refusals (``models.errors``) are turned into what a person reads
here, in one place: the message on stderr and exit code 1; an
``InvalidInputError`` about one of the command's options (``options`` maps a
field of the input to it, ``{"lots": "--lot"}``) is a usage error of that
option, exit code 2, as Click reports a bad option value.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import typer

from app.core.config import Settings, get_settings
from app.core.logging import configure_logging
from app.wiring.context import AppContext
from models.errors import CotenderError, InvalidInputError

REFUSED = 1
"""Exit code of a refusal: unknown id, conflict with the stored state, input refused."""


@contextmanager
def reported_errors(options: Mapping[str, str] | None = None) -> Iterator[None]:
    """Turn the domain's refusals raised inside into a message and an exit code."""
    try:
        yield
    except InvalidInputError as error:
        root = error.fields[0]["field"].split(".")[0] if error.fields else None
        option = (options or {}).get(root or "") if error.in_input else None
        if option is not None:
            raise typer.BadParameter(error.message, param_hint=option) from error
        typer.echo(error.message, err=True)
        raise typer.Exit(code=REFUSED) from error
    except CotenderError as error:
        typer.echo(error.message, err=True)
        raise typer.Exit(code=REFUSED) from error


@contextmanager
def open_context(
    *,
    verbose: bool = False,
    options: Mapping[str, str] | None = None,
    settings: Settings | None = None,
) -> Iterator[AppContext]:
    """Configure logging and open the store for one command, reporting its refusals.

    ``options``: see :func:`reported_errors`; ``settings`` default to the process's.
    """
    settings = settings or get_settings()
    configure_logging("INFO" if verbose else settings.log_level)
    context = AppContext.open(settings)
    try:
        with reported_errors(options):
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
