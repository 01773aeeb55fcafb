"""Reports of all-or-nothing file imports (members, groups): every problem, located.

An import validates every row of a YAML or JSON file before writing anything;
each problem becomes a :class:`RowError` with its line, the row's id and the
field path, and the :class:`ImportReport` counts what a successful import did.
The helpers here locate rows and pydantic or storage problems in the file
(``app.core.sourcemap``) for the importers of ``app.members`` and ``app.groups``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic_core import ErrorDetails

from app.core.checks import SaveOutcome, dotted, unstorable_fields
from app.core.sourcemap import Loc, LocatedDocument


@dataclass(frozen=True)
class RowError:
    """One problem in an imported file: where it is and what is wrong."""

    line: int | None
    id: str | None
    field: str | None
    message: str

    def to_json(self) -> dict[str, Any]:
        """The ``errors[]`` entry of the ``--json`` report."""
        return {"line": self.line, "id": self.id, "field": self.field, "message": self.message}


@dataclass
class ImportReport:
    """What an import did, or every reason it did nothing."""

    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the file was imported (no errors)."""
        return not self.errors

    def count(self, outcome: SaveOutcome) -> None:
        """Count one saved row."""
        if outcome is SaveOutcome.created:
            self.imported += 1
        elif outcome is SaveOutcome.updated:
            self.updated += 1
        else:
            self.unchanged += 1

    def to_json(self) -> dict[str, Any]:
        """The ``--json`` output: ``{"imported", "updated", "unchanged", "errors"}``."""
        return {
            "imported": self.imported,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [error.to_json() for error in self.errors],
        }


def row_id(item: Any) -> str | None:
    """The ``id`` of a raw row, when it has a textual one."""
    value = item.get("id") if isinstance(item, dict) else None
    return value if isinstance(value, str) else None


def rows_of(
    document: LocatedDocument, key: str, *, single_allowed: bool = False
) -> tuple[list[tuple[Loc, Any]], list[RowError]]:
    """The rows of a file with their paths: a list, ``{key: [...]}``, or one mapping."""
    data = document.data
    if isinstance(data, dict) and isinstance(data.get(key), list) and len(data) == 1:
        return [((key, index), item) for index, item in enumerate(data[key])], []
    if isinstance(data, list):
        return [((index,), item) for index, item in enumerate(data)], []
    if single_allowed and isinstance(data, dict):
        return [((), data)], []
    shape = f"a list of {key}" + (", one mapping" if single_allowed else "")
    message = f"expected {shape} or a mapping {{{key}: [...]}}"
    return [], [RowError(document.line_of(()), None, None, message)]


def loc_of(field: str) -> Loc:
    """A dotted field path as a path in the file (digits are list indices)."""
    return tuple(int(part) if part.isdigit() else part for part in field.split(".") if part)


def validation_errors(
    document: LocatedDocument, loc: Loc, item_id: str | None, details: list[ErrorDetails]
) -> list[RowError]:
    """One row error per pydantic error, located in the file."""
    return [
        RowError(
            line=document.line_of((*loc, *detail["loc"])),
            id=item_id,
            field=dotted(detail["loc"]) or None,
            message=str(detail["msg"]).removeprefix("Value error, "),
        )
        for detail in details
    ]


def storage_errors(
    document: LocatedDocument, loc: Loc, item_id: str | None, item: Any
) -> list[RowError]:
    """Values no store accepts (NUL characters, infinite numbers), located in the file."""
    problems = unstorable_fields(item)
    return [
        RowError(
            line=document.line_of((*loc, *loc_of(problem["field"]))),
            id=item_id,
            field=problem["field"] or None,
            message=problem["message"],
        )
        for problem in problems
    ]


def sorted_errors(errors: list[RowError]) -> list[RowError]:
    """Errors in file order (a row's errors keep their relative order)."""
    return sorted(errors, key=lambda error: error.line or 0)


def duplicate_error(document: LocatedDocument, loc: Loc, item_id: str, first: Loc) -> RowError:
    """An id seen earlier in the same file."""
    earlier = document.line_of((*first, "id"))
    return RowError(
        document.line_of((*loc, "id")), item_id, "id", f"duplicate id (also on line {earlier})"
    )
