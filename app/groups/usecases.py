"""Use cases of groups and their procedures: create, list, read, replace.

Admins create groups and set who belongs to and leads them; leads may change
the rest (name, procedure). Each use case checks the access rule before any
look-up and commits what it writes. Importing a file is
``app.groups.importer.import_groups``.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.auth import policy
from app.auth.principal import Principal
from app.core.db import committed
from app.groups import service
from models.errors import NotFoundError
from models.group import Group, Procedure
from models.schema import GroupRow


def create_group(*, session: Session, principal: Principal, group: Group) -> GroupRow:
    """Create a group with its procedure (admins); ``ConflictError`` when the id is taken."""
    policy.require(policy.can_change_group_membership(principal))
    with committed(session, conflict=f"group {group.id} already exists"):
        row = service.create_group(session=session, group=group)
    return row


def list_groups(*, session: Session, principal: Principal) -> list[GroupRow]:
    """The groups the caller belongs to (admins: all), by id."""
    only = None if principal.is_admin else principal.groups
    return service.list_groups(session=session, only=only)


def read_group(*, session: Session, principal: Principal, group_id: str) -> GroupRow:
    """A group with its members, leads and procedure (its members and admins)."""
    policy.require(policy.can_read_group(principal, group_id))
    row = service.get_group(session=session, group_id=group_id)
    if row is None:
        raise NotFoundError(f"group {group_id} not found")
    return row


def replace_group(
    *, session: Session, principal: Principal, group_id: str, group: Group
) -> GroupRow:
    """Replace a group as a whole; its leads may change all but who belongs to and leads it."""
    policy.require(policy.can_lead_group(principal, group_id))
    row = service.get_group(session=session, group_id=group_id)
    if row is None:
        raise NotFoundError(f"group {group_id} not found")
    current = Group.model_validate(row.document)
    if (set(current.members), set(current.leads)) != (set(group.members), set(group.leads)):
        policy.require(policy.can_change_group_membership(principal))
    row = service.replace_group(session=session, group_id=group_id, group=group)
    session.commit()
    return row


def replace_procedure(
    *, session: Session, principal: Principal, group_id: str, procedure: Procedure
) -> GroupRow:
    """Replace a group's procedure, keeping its members and leads (its leads and admins)."""
    policy.require(policy.can_lead_group(principal, group_id))
    row = service.replace_procedure(session=session, group_id=group_id, procedure=procedure)
    session.commit()
    return row
