"""Intentions on notices and lots: declare your own, read those you may see, audit trail."""

from __future__ import annotations

from fastapi import APIRouter

from app.api.deps import CurrentPrincipal, NowDep, SessionDep
from app.api.params import MemberIdPath, NoticeIdPath
from app.intentions import usecases
from app.intentions.service import IntentionIn
from app.intentions.usecases import IntentionEventPublic, IntentionPublic

router = APIRouter(prefix="/api/notices", tags=["intentions"])


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
    return usecases.declare_intention(
        session=session,
        principal=principal,
        notice_id=notice_id,
        member_id=member_id,
        intention=intention,
        now=now,
    )


@router.get("/{notice_id}/intentions", response_model=list[IntentionPublic])
def read_notice_intentions(
    notice_id: NoticeIdPath, session: SessionDep, principal: CurrentPrincipal
) -> list[IntentionPublic]:
    """Retrieve the intentions on a notice that the caller may see."""
    return usecases.notice_intentions(session=session, principal=principal, notice_id=notice_id)


@router.get("/{notice_id}/intentions/{member_id}/events", response_model=list[IntentionEventPublic])
def read_intention_events(
    notice_id: NoticeIdPath,
    member_id: MemberIdPath,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> list[IntentionEventPublic]:
    """Retrieve the audit trail of a member's intention on a notice."""
    return usecases.intention_events(
        session=session, principal=principal, notice_id=notice_id, member_id=member_id
    )
