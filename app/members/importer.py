"""``cotender members import``: members from a YAML or JSON file, all or nothing.

Every row is validated before anything is written; if any row is bad, the
report lists every problem (line, member id, field path, message) and the
store is left untouched. Otherwise all rows are written in one transaction.

Upsert semantics: a row whose ``id`` is already stored replaces that profile
as a whole (fields left out take their defaults, nothing is merged); members
that are not in the file are left alone, never deleted. Re-importing the same
file changes nothing and counts its rows as ``unchanged``.

Accepted shapes: a list of members (``devset/members.yaml``) or
``{"members": [...]}``; ``.json`` files are read as JSON, others as YAML.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError
from sqlalchemy.orm import Session, sessionmaker

from app.core.db import transaction
from app.core.import_report import (
    ImportReport,
    RowError,
    duplicate_error,
    row_id,
    rows_of,
    sorted_errors,
    storage_errors,
    validation_errors,
)
from app.core.sourcemap import DocumentSyntaxError, Loc, LocatedDocument, read_located
from app.members.service import save_member
from models.member import Member


def validate_members(document: LocatedDocument) -> tuple[list[Member], list[RowError]]:
    """Every valid member of the file, and every problem of the others."""
    rows, errors = rows_of(document, "members")
    members: list[Member] = []
    seen: dict[str, Loc] = {}
    for loc, item in rows:
        item_id = row_id(item)
        if not isinstance(item, dict):
            errors.append(RowError(document.line_of(loc), None, None, "a member must be a mapping"))
            continue
        if item_id is not None and item_id in seen:
            errors.append(duplicate_error(document, loc, item_id, seen[item_id]))
        seen.setdefault(item_id or "", loc)
        try:
            member = Member.model_validate(item)
        except ValidationError as error:
            errors.extend(validation_errors(document, loc, item_id, error.errors()))
            continue
        errors.extend(storage_errors(document, loc, item_id, item))
        members.append(member)
    return members, sorted_errors(errors)


def save_members(*, session: Session, members: list[Member], report: ImportReport) -> None:
    """Upsert validated members in the caller's transaction."""
    for member in members:
        _, outcome = save_member(session=session, member=member)
        report.count(outcome)


def import_members_document(
    *, sessions: sessionmaker[Session], document: LocatedDocument
) -> ImportReport:
    """Import a parsed file: nothing is written unless every row is valid."""
    members, errors = validate_members(document)
    if errors:
        return ImportReport(errors=errors)
    report = ImportReport()
    with transaction(sessions) as session:
        save_members(session=session, members=members, report=report)
    return report


def import_members(*, sessions: sessionmaker[Session], path: Path) -> ImportReport:
    """Import the members of a YAML or JSON file."""
    try:
        document = read_located(path)
    except DocumentSyntaxError as error:
        return ImportReport(errors=[RowError(error.line, None, None, error.message)])
    return import_members_document(sessions=sessions, document=document)
