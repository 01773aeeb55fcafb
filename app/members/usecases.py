"""Use cases of member profiles: create, list, read, update, delete and export.

The API routes, the CLI commands and the web pages call these and only
translate input and output. Each checks the access rule first (so a refusal
never reveals whether the member exists: ``ForbiddenError``), and each that
writes commits its one unit of work. Importing a file is
``app.members.importer.import_members``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from app.auth import policy
from app.auth.principal import Principal
from app.core.db import committed
from app.members import service
from models.errors import NotFoundError
from models.member import Member, MemberUpdate
from models.schema import MemberRow


def create_member(*, session: Session, principal: Principal, member: Member) -> MemberRow:
    """Create a member (admins); ``ConflictError`` when the id is taken, even by a racing call."""
    policy.require(policy.can_change_group_membership(principal))
    with committed(session, conflict=f"member {member.id} already exists"):
        row = service.create_member(session=session, member=member)
    return row


def list_members(
    *, session: Session, principal: Principal, limit: int, offset: int
) -> tuple[int, list[MemberRow]]:
    """How many members there are and one page of them, by id (admins)."""
    policy.require(principal.is_admin)
    return service.list_members(session=session, limit=limit, offset=offset)


def read_member(*, session: Session, principal: Principal, member_id: str) -> MemberRow:
    """A member's profile (the member and admins)."""
    policy.require(policy.can_read_member(principal, member_id))
    row = service.get_member(session=session, member_id=member_id)
    if row is None:
        raise NotFoundError(f"member {member_id} not found")
    return row


def update_member(
    *, session: Session, principal: Principal, member_id: str, update: MemberUpdate
) -> MemberRow:
    """Change some fields of a profile (the member and admins); the result is validated whole."""
    policy.require(policy.can_edit_member(principal, member_id))
    row = service.update_member(session=session, member_id=member_id, update=update)
    session.commit()
    return row


def delete_member(*, session: Session, principal: Principal, member_id: str) -> None:
    """Erase a member and all their data (the member and admins): their right to erasure."""
    policy.require(policy.can_edit_member(principal, member_id))
    service.delete_member(session=session, member_id=member_id)
    session.commit()


def export_member(
    *, session: Session, principal: Principal, member_id: str, now: datetime
) -> dict[str, Any]:
    """Everything stored about a member, as JSON (the member and admins): their right of access."""
    policy.require(policy.can_read_member(principal, member_id))
    return service.export_member(session=session, member_id=member_id, now=now)
