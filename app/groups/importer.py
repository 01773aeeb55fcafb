"""``cotender groups import``: groups and their procedures from YAML or JSON, all or nothing.

Accepted shapes: one group (``devset/group.yaml``), a list of groups, or
``{"groups": [...]}``. Every group is validated (procedure steps with unique
keys dated in order, known documents, leads among the members, members that
exist in the store) before anything is written; any problem is reported with
its line and field, and then nothing is written.

Upsert semantics: a group whose ``id`` is stored is replaced as a whole
(document and memberships, so leads follow the file); other groups are left alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails
from sqlalchemy.orm import Session, sessionmaker

from app.core.checks import dotted
from app.core.db import transaction
from app.core.import_report import (
    ImportReport,
    RowError,
    duplicate_error,
    loc_of,
    row_id,
    rows_of,
    sorted_errors,
    storage_errors,
    validation_errors,
)
from app.core.sourcemap import DocumentSyntaxError, Loc, LocatedDocument, read_located
from app.groups.service import save_group, step_problems, unknown_member_fields
from models.group import Group, ProcedureStep


def _structural(item: dict[str, Any]) -> list[tuple[Loc, str]]:
    """Steps out of order, repeated step keys and outsider leads, pinned on their fields.

    The models check these too, but as whole-model errors that only appear once
    everything else is valid; checking the raw row reports them all at once.
    """
    problems: list[tuple[Loc, str]] = []
    procedure = item.get("procedure")
    raw_steps = procedure.get("steps") if isinstance(procedure, dict) else None
    if isinstance(raw_steps, list):
        valid: list[tuple[int, ProcedureStep]] = []
        for index, raw in enumerate(raw_steps):
            try:
                valid.append((index, ProcedureStep.model_validate(raw)))
            except ValidationError:
                continue  # reported by the model, field by field
        problems += [
            (("procedure", "steps", valid[position][0], name), message)
            for position, name, message in step_problems([step for _, step in valid])
        ]
    members, leads = item.get("members"), item.get("leads")
    if isinstance(members, list) and isinstance(leads, list):
        problems += [
            (("leads", index), f"lead {lead} is not a member of the group")
            for index, lead in enumerate(leads)
            if lead not in members
        ]
    return problems


def _is_model_check(detail: ErrorDetails) -> bool:
    """The models' own whole-model checks, which :func:`_structural` replaces."""
    return detail["type"] == "value_error" and tuple(detail["loc"]) in {(), ("procedure",)}


def _row_errors(
    document: LocatedDocument, loc: Loc, item: dict[str, Any], session: Session | None
) -> tuple[Group | None, list[RowError]]:
    item_id = row_id(item)
    group = None
    try:
        group = Group.model_validate(item)
        details: list[ErrorDetails] = []
    except ValidationError as error:
        details = [detail for detail in error.errors() if not _is_model_check(detail)]
    errors = validation_errors(document, loc, item_id, details)
    errors += [
        RowError(document.line_of((*loc, *where)), item_id, dotted(where), message)
        for where, message in _structural(item)
    ]
    members = item.get("members")
    if (
        session is not None
        and isinstance(members, list)
        and all(isinstance(m, str) for m in members)
    ):
        errors += [
            RowError(
                document.line_of((*loc, *loc_of(p["field"]))), item_id, p["field"], p["message"]
            )
            for p in unknown_member_fields(session=session, members=members)
        ]
    if group is not None:
        errors += storage_errors(document, loc, item_id, item)
    return (group if not errors else None), errors


def validate_groups(
    document: LocatedDocument, *, session: Session | None = None
) -> tuple[list[Group], list[RowError]]:
    """Every valid group and every problem of the others (members checked when given a session)."""
    rows, errors = rows_of(document, "groups", single_allowed=True)
    groups: list[Group] = []
    seen: dict[str, Loc] = {}
    for loc, item in rows:
        item_id = row_id(item)
        if not isinstance(item, dict):
            errors.append(RowError(document.line_of(loc), None, None, "a group must be a mapping"))
            continue
        if item_id is not None and item_id in seen:
            errors.append(duplicate_error(document, loc, item_id, seen[item_id]))
        seen.setdefault(item_id or "", loc)
        group, problems = _row_errors(document, loc, item, session)
        errors += problems
        if group is not None:
            groups.append(group)
    return groups, sorted_errors(errors)


def import_groups_document(
    *, sessions: sessionmaker[Session], document: LocatedDocument
) -> ImportReport:
    """Import a parsed file: nothing is written unless every group is valid."""
    report = ImportReport()
    with transaction(sessions) as session:
        groups, report.errors = validate_groups(document, session=session)
        if report.errors:
            return report  # nothing written yet: the transaction commits nothing
        for group in groups:
            _, outcome = save_group(session=session, group=group)
            report.count(outcome)
    return report


def import_groups(*, sessions: sessionmaker[Session], path: Path) -> ImportReport:
    """Import the groups of a YAML or JSON file."""
    try:
        document = read_located(path)
    except DocumentSyntaxError as error:
        return ImportReport(errors=[RowError(error.line, None, None, error.message)])
    return import_groups_document(sessions=sessions, document=document)
