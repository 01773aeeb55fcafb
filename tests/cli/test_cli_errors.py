"""``app/cli/common.py``: domain refusals as a message on stderr and an exit code."""

from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

from app.cli.common import reported_errors
from app.drafting.errors import DraftError
from models.errors import (
    ConflictError,
    CotenderError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
)

LOT_REFUSED = InvalidInputError(
    "notice boamp:26-1 has no lot 9", [{"field": "lots.0", "message": "has no lot 9"}]
)
REFUSALS: dict[str, CotenderError] = {
    "not-found": NotFoundError("notice boamp:26-9999 not found"),
    "conflict": ConflictError("notice boamp:26-1 is awarded: nothing to answer"),
    "forbidden": ForbiddenError("not allowed"),
    "lot": LOT_REFUSED,
    "proposal": InvalidInputError(
        "no proposal 40: there are 3 proposal(s)",
        [{"field": "proposal", "message": "no proposal 40"}],
    ),
    "draft": DraftError("lots", "not a lot of the proposal"),
}

runner = CliRunner()


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.command()
    def refuse(case: str) -> None:
        with reported_errors({"lots": "--lot"}):
            raise REFUSALS[case]

    return app


@pytest.mark.parametrize(
    ("case", "code"),
    [("not-found", 1), ("conflict", 1), ("forbidden", 1), ("proposal", 1), ("draft", 1)],
)
def test_a_refusal_is_its_message_and_exit_code_1(case: str, code: int) -> None:
    result = runner.invoke(_app(), [case])
    assert result.exit_code == code
    assert result.stderr.strip() == REFUSALS[case].message
    assert result.stdout == ""


def test_an_input_refused_on_an_option_is_a_usage_error() -> None:
    result = runner.invoke(_app(), ["lot"])
    assert result.exit_code == 2
    assert "--lot" in result.stderr and "has no lot 9" in result.stderr
