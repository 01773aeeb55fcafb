"""Feedback: a member marks a proposed notice relevant or not for them, later rankings learn."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict

from app.api.deps import CurrentPrincipal, NowDep, SessionDep
from app.api.params import MemberIdPath, NoticeIdPath
from app.feedback import usecases
from app.members.feedback_examples import Verdict
from models.schema import MemberFeedbackRow

router = APIRouter(prefix="/api/members", tags=["feedback"])


class FeedbackIn(BaseModel):
    """A verdict on a notice: ``relevant`` or ``not_relevant`` ("not for me")."""

    model_config = ConfigDict(extra="forbid")

    verdict: Verdict


class FeedbackPublic(BaseModel):
    """A member's current verdict on a notice."""

    member_id: str
    notice_id: str
    verdict: Verdict
    updated_at: datetime

    @classmethod
    def of(cls, row: MemberFeedbackRow) -> FeedbackPublic:
        """The public form of a stored verdict."""
        return cls(
            member_id=row.member_id,
            notice_id=row.notice_id,
            verdict=Verdict(row.verdict),
            updated_at=row.updated_at,
        )


@router.put("/{member_id}/feedback/{notice_id}", response_model=FeedbackPublic)
def put_feedback(
    member_id: MemberIdPath,
    notice_id: NoticeIdPath,
    feedback: FeedbackIn,
    session: SessionDep,
    principal: CurrentPrincipal,
    now: NowDep,
) -> FeedbackPublic:
    """Mark a notice (any of its ids) relevant or not for the member; replaces a verdict."""
    row = usecases.record_feedback(
        session=session,
        principal=principal,
        member_id=member_id,
        notice_id=notice_id,
        verdict=feedback.verdict,
        now=now,
    )
    return FeedbackPublic.of(row)


@router.delete("/{member_id}/feedback/{notice_id}", status_code=204, response_class=Response)
def delete_feedback(
    member_id: MemberIdPath,
    notice_id: NoticeIdPath,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> None:
    """Withdraw the member's verdict on a notice."""
    usecases.withdraw_feedback(
        session=session, principal=principal, member_id=member_id, notice_id=notice_id
    )


@router.get("/{member_id}/feedback", response_model=list[FeedbackPublic])
def read_feedback(
    member_id: MemberIdPath, session: SessionDep, principal: CurrentPrincipal
) -> list[FeedbackPublic]:
    """Retrieve the member's verdicts, latest first."""
    rows = usecases.read_feedback(session=session, principal=principal, member_id=member_id)
    return [FeedbackPublic.of(row) for row in rows]
