"""Use cases of intentions: declare your own, read those you may see, read their audit trail.

Also the public form of an intention and of its events, which the notice and
the member views of the API (and the web pages) both show.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy.orm import Session

from app.auth import policy
from app.auth.principal import Principal
from app.groups.service import members_led_by
from app.intentions import service
from app.intentions.service import IntentionIn
from models.consortium import IntentionRole
from models.errors import NotFoundError
from models.schema import IntentionEventRow, IntentionRow


class IntentionPublic(BaseModel):
    """A member's current intention on a notice."""

    notice_id: str
    member_id: str
    role: IntentionRole
    lots: list[str]
    comment: str
    updated_at: datetime

    @classmethod
    def of(cls, row: IntentionRow) -> IntentionPublic:
        """The public form of a stored intention."""
        return cls(
            notice_id=row.notice_id,
            member_id=row.member_id,
            role=IntentionRole(row.role),
            lots=list(row.lots),
            comment=row.comment,
            updated_at=row.updated_at,
        )


class IntentionEventPublic(BaseModel):
    """One change of an intention: who, when, before and after."""

    id: int
    notice_id: str
    member_id: str
    actor: str
    before: dict[str, Any] | None
    after: dict[str, Any]
    changed_at: datetime

    @classmethod
    def of(cls, row: IntentionEventRow) -> IntentionEventPublic:
        """The public form of a stored event."""
        return cls(
            id=row.id,
            notice_id=row.notice_id,
            member_id=row.member_id,
            actor=row.actor,
            before=row.before,
            after=row.after,
            changed_at=row.changed_at,
        )


def declare_intention(
    *,
    session: Session,
    principal: Principal,
    notice_id: str,
    member_id: str,
    intention: IntentionIn,
    now: datetime,
) -> IntentionPublic:
    """Declare or change a member's intention on a notice and some of its lots (committed).

    The member and admins may; refused with ``NotFoundError``, ``NoticeClosedError``
    (no longer open, or a lot's deadline passed) or ``InvalidInputError`` (lots).
    """
    policy.require(policy.can_edit_member(principal, member_id))
    row, _ = service.declare(
        session=session,
        notice_id=notice_id,
        member_id=member_id,
        intention=intention,
        actor=principal.actor,
        now=now,
    )
    session.commit()
    return IntentionPublic.of(row)


def notice_intentions(
    *, session: Session, principal: Principal, notice_id: str
) -> list[IntentionPublic]:
    """The intentions on a notice the caller may see: their own, their led groups' (admins: all)."""
    led = members_led_by(session=session, group_ids=principal.lead_of_groups)
    only = policy.visible_intention_members(principal, led)
    rows = service.notice_intentions(session=session, notice_id=notice_id, only=only)
    if rows is None:
        raise NotFoundError(f"notice {notice_id} not found")
    return [IntentionPublic.of(row) for row in rows]


def member_intentions(
    *, session: Session, principal: Principal, member_id: str
) -> list[IntentionPublic]:
    """A member's own intentions, latest first (the member and admins)."""
    policy.require(policy.can_read_member(principal, member_id))
    rows = service.member_intentions(session=session, member_id=member_id)
    if rows is None:
        raise NotFoundError(f"member {member_id} not found")
    return [IntentionPublic.of(row) for row in rows]


def intention_events(
    *, session: Session, principal: Principal, notice_id: str, member_id: str
) -> list[IntentionEventPublic]:
    """The audit trail of a member's intention on a notice, oldest first."""
    policy.require(policy.can_read_member(principal, member_id))
    rows = service.intention_events(session=session, notice_id=notice_id, member_id=member_id)
    if rows is None:
        raise NotFoundError("notice or member not found")
    return [IntentionEventPublic.of(row) for row in rows]
