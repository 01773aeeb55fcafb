"""Intentions on notices and lots: declare your own, read those you may see, audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel

from app.api.deps import CurrentPrincipal, NowDep, SessionDep, require, unprocessable
from app.api.params import MemberIdPath, NoticeIdPath
from app.auth import policy
from app.groups.service import members_led_by
from app.intentions import service
from app.intentions.service import IntentionIn
from models.consortium import IntentionRole
from models.errors import InvalidInputError
from models.schema import IntentionEventRow, IntentionRow

router = APIRouter(prefix="/api/notices", tags=["intentions"])


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


@router.put("/{notice_id}/intentions/{member_id}", response_model=IntentionPublic)
def declare_intention(
    notice_id: NoticeIdPath,
    member_id: MemberIdPath,
    intention: IntentionIn,
    session: SessionDep,
    principal: CurrentPrincipal,
    now: NowDep,
) -> IntentionPublic:
    """Declare or change a member's intention on a notice and some of its lots."""
    require(policy.can_edit_member(principal, member_id))
    try:
        row, _ = service.declare(
            session=session,
            notice_id=notice_id,
            member_id=member_id,
            intention=intention,
            actor=principal.actor,
            now=now,
        )
    except InvalidInputError as error:
        raise unprocessable(error) from error
    except service.IntentionNotFoundError as error:
        raise HTTPException(status_code=404, detail=str(error)) from error
    except service.NoticeClosedError as error:
        raise HTTPException(status_code=409, detail=str(error)) from error
    session.commit()
    return IntentionPublic.of(row)


@router.get("/{notice_id}/intentions", response_model=list[IntentionPublic])
def read_notice_intentions(
    notice_id: NoticeIdPath, session: SessionDep, principal: CurrentPrincipal
) -> list[IntentionPublic]:
    """Retrieve the intentions on a notice that the caller may see."""
    led = members_led_by(session=session, group_ids=principal.lead_of_groups)
    only = policy.visible_intention_members(principal, led)
    rows = service.notice_intentions(session=session, notice_id=notice_id, only=only)
    if rows is None:
        raise HTTPException(status_code=404, detail=f"notice {notice_id} not found")
    return [IntentionPublic.of(row) for row in rows]


@router.get("/{notice_id}/intentions/{member_id}/events", response_model=list[IntentionEventPublic])
def read_intention_events(
    notice_id: NoticeIdPath,
    member_id: MemberIdPath,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> list[IntentionEventPublic]:
    """Retrieve the audit trail of a member's intention on a notice."""
    require(policy.can_read_member(principal, member_id))
    rows = service.intention_events(session=session, notice_id=notice_id, member_id=member_id)
    if rows is None:
        raise HTTPException(status_code=404, detail="notice or member not found")
    return [IntentionEventPublic.of(row) for row in rows]
