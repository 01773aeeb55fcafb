"""Groups and their procedures: create, read, replace (keyword-only, one session).

The group document (``member_group.document``) is the :class:`~models.group.Group`
as JSON; ``group_membership`` mirrors its members and leads (``is_lead``) so
access rules and queries need not read documents. Services flush, never commit
(``app.groups.usecases`` and the importer own the transaction); unknown ids raise
``NotFoundError``.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.core.checks import SaveOutcome, ensure_storable
from models.errors import ConflictError, FieldProblem, InvalidInputError, NotFoundError
from models.group import Group, Procedure, ProcedureStep
from models.schema import GroupMembershipRow, GroupRow, MemberRow

_MEMBER_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")


def unknown_member_fields(*, session: Session, members: list[str]) -> list[FieldProblem]:
    """One problem per listed member id that is not in the store, naming them.

    Ids that are not even well formed are left to the model's validation.
    """
    wellformed = [member for member in members if _MEMBER_ID.fullmatch(member)]
    known = set(session.scalars(select(MemberRow.id).where(MemberRow.id.in_(wellformed))))
    return [
        {"field": f"members.{index}", "message": f"unknown member: {member}"}
        for index, member in enumerate(members)
        if member not in known and _MEMBER_ID.fullmatch(member)
    ]


def step_problems(steps: list[ProcedureStep]) -> list[tuple[int, str, str]]:
    """``(step index, field, message)`` for repeated keys and steps dated out of order."""
    problems: list[tuple[int, str, str]] = []
    seen: set[str] = set()
    for index, step in enumerate(steps):
        if step.key in seen:
            problems.append((index, "key", f"duplicate step key: {step.key}"))
        seen.add(step.key)
        if index and step.offset_days > steps[index - 1].offset_days:
            earlier = steps[index - 1]
            problems.append(
                (
                    index,
                    "offset_days",
                    f"step {step.key!r} (D-{step.offset_days}) comes after {earlier.key!r} "
                    f"(D-{earlier.offset_days}) but is dated earlier: offsets must not grow",
                )
            )
    return problems


def _sync_memberships(session: Session, group: Group) -> None:
    session.execute(delete(GroupMembershipRow).where(GroupMembershipRow.group_id == group.id))
    session.add_all(
        GroupMembershipRow(group_id=group.id, member_id=member, is_lead=member in group.leads)
        for member in dict.fromkeys(group.members)
    )


def save_group(*, session: Session, group: Group) -> tuple[GroupRow, SaveOutcome]:
    """Create or replace a group (the import's upsert)."""
    document = group.model_dump(mode="json")
    ensure_storable(document)
    unknown = unknown_member_fields(session=session, members=group.members)
    if unknown:
        names = ", ".join(problem["message"].split(": ", 1)[1] for problem in unknown)
        raise InvalidInputError(f"unknown member(s): {names}", unknown)
    row = session.get(GroupRow, group.id)
    if row is not None and row.document == document:
        return row, SaveOutcome.unchanged
    outcome = SaveOutcome.created if row is None else SaveOutcome.updated
    if row is None:
        row = GroupRow(id=group.id, name=group.name, document=document)
        session.add(row)
    else:
        row.name, row.document = group.name, document
    session.flush()
    _sync_memberships(session, group)
    session.flush()
    return row, outcome


def create_group(*, session: Session, group: Group) -> GroupRow:
    """Create a group; ``ConflictError`` if the id is taken."""
    if session.get(GroupRow, group.id) is not None:
        raise ConflictError(f"group {group.id} already exists")
    row, _ = save_group(session=session, group=group)
    return row


def replace_group(*, session: Session, group_id: str, group: Group) -> GroupRow:
    """Replace an existing group as a whole (PUT)."""
    if group.id != group_id:
        raise InvalidInputError(
            "id: must match the group id in the path",
            [{"field": "id", "message": "must match the group id in the path"}],
        )
    if session.get(GroupRow, group_id) is None:
        raise NotFoundError(f"group {group_id} not found")
    row, _ = save_group(session=session, group=group)
    return row


def replace_procedure(*, session: Session, group_id: str, procedure: Procedure) -> GroupRow:
    """Replace a group's procedure, keeping its members and leads."""
    row = session.get(GroupRow, group_id)
    if row is None:
        raise NotFoundError(f"group {group_id} not found")
    document = {**row.document, "procedure": procedure.model_dump(mode="json")}
    ensure_storable(document)
    row.document = document
    session.flush()
    return row


def get_group(*, session: Session, group_id: str) -> GroupRow | None:
    """A group's row, or None."""
    return session.get(GroupRow, group_id)


def list_groups(*, session: Session, only: frozenset[str] | None = None) -> list[GroupRow]:
    """Groups by id; ``only`` restricts to those ids (None: all)."""
    query = select(GroupRow).order_by(GroupRow.id)
    if only is not None:
        query = query.where(GroupRow.id.in_(sorted(only)))
    return list(session.scalars(query))


def members_led_by(*, session: Session, group_ids: frozenset[str]) -> frozenset[str]:
    """Every member of the groups in ``group_ids``."""
    if not group_ids:
        return frozenset()
    query = select(GroupMembershipRow.member_id).where(
        GroupMembershipRow.group_id.in_(sorted(group_ids))
    )
    return frozenset(session.scalars(query))


def member_groups(*, session: Session, member_id: str) -> list[dict[str, Any]]:
    """The groups a member belongs to: ``[{"id", "name", "is_lead"}]``."""
    rows = session.execute(
        select(GroupRow.id, GroupRow.name, GroupMembershipRow.is_lead)
        .join(GroupMembershipRow, GroupMembershipRow.group_id == GroupRow.id)
        .where(GroupMembershipRow.member_id == member_id)
        .order_by(GroupRow.id)
    ).all()
    return [{"id": gid, "name": name, "is_lead": lead} for gid, name, lead in rows]


def remove_member_from_groups(*, session: Session, member_id: str) -> None:
    """Take a deleted member out of every group document and membership."""
    for row in session.scalars(
        select(GroupRow)
        .join(GroupMembershipRow, GroupMembershipRow.group_id == GroupRow.id)
        .where(GroupMembershipRow.member_id == member_id)
    ).all():
        document = dict(row.document)
        document["members"] = [m for m in document.get("members", []) if m != member_id]
        document["leads"] = [m for m in document.get("leads", []) if m != member_id]
        row.document = document
    session.execute(delete(GroupMembershipRow).where(GroupMembershipRow.member_id == member_id))
    session.flush()
