"""Input problems shared by members, groups and intentions.

Every service refuses bad input with :class:`InvalidInputError`, which names
each field at fault; the API turns it into a 422 and the importers into rows
of their report. :func:`unstorable_fields` catches what validation lets
through but a store refuses (PostgreSQL rejects NUL characters in text and
JSON, and JSON has no infinity), so no input ends in a server error.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from pydantic import ValidationError

from models.errors import FieldProblem, InvalidInputError


class SaveOutcome(StrEnum):
    """What saving a record did (import reports count these)."""

    created = "created"
    updated = "updated"
    unchanged = "unchanged"


def dotted(loc: Sequence[str | int]) -> str:
    """A field path as clients read it: ``references.0.title``."""
    return ".".join(str(part) for part in loc)


def validation_fields(error: ValidationError, prefix: str = "") -> list[FieldProblem]:
    """Each pydantic error as ``{"field", "message"}``, paths under ``prefix``."""
    problems = []
    for detail in error.errors():
        field = dotted(detail["loc"])
        path = ".".join(part for part in (prefix, field) if part)
        problems.append({"field": path or prefix or "body", "message": str(detail["msg"])})
    return problems


def unstorable_fields(value: Any, path: str = "") -> list[FieldProblem]:
    """Text with NUL characters and non-finite numbers, wherever they are in ``value``."""
    if isinstance(value, str):
        return [{"field": path, "message": "must not contain NUL characters"}] * ("\x00" in value)
    if isinstance(value, float) and not math.isfinite(value):
        return [{"field": path, "message": "must be a finite number"}]
    if isinstance(value, dict):
        return [
            problem
            for key, item in value.items()
            for problem in [
                *unstorable_fields(str(key), f"{path}.{key}".lstrip(".")),
                *unstorable_fields(item, f"{path}.{key}".lstrip(".")),
            ]
        ]
    if isinstance(value, list | tuple):
        return [
            problem
            for index, item in enumerate(value)
            for problem in unstorable_fields(item, f"{path}.{index}".lstrip("."))
        ]
    return []


def ensure_storable(value: Any, *, prefix: str = "") -> None:
    """Raise :class:`InvalidInputError` when ``value`` cannot be stored as JSON."""
    problems = unstorable_fields(value)
    if problems:
        for problem in problems:
            problem["field"] = ".".join(part for part in (prefix, problem["field"]) if part)
        first = problems[0]
        raise InvalidInputError(f"{first['field']}: {first['message']}", problems)
