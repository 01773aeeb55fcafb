"""Use cases of feedback: say what you think of a notice, and matches that learn from it.

``match_member`` is the one way every edge (API, CLI, web pages) asks for a
member's matches: the engine's ranking, re-ranked by the member's verdicts and
intentions (:mod:`app.feedback.service`). Verdicts are the member's data
(:mod:`app.members.feedback`); these functions check who may touch them and own
the commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from app.auth import policy
from app.auth.principal import Principal
from app.feedback.service import matches_with_feedback
from app.matching.engine import MatchingEngine
from app.matching.filters import ValueRange
from app.matching.present import MemberMatchesPublic
from app.members import feedback
from app.members.feedback_examples import Verdict
from app.members.service import get_member, member_from_row
from models.errors import NotFoundError
from models.notice import Nature
from models.schema import MemberFeedbackRow


def match_member(
    *,
    session: Session,
    principal: Principal,
    matching: MatchingEngine,
    member_id: str,
    now: datetime,
    limit: int = 20,
    include_closed: bool = False,
    natures: Sequence[Nature] | None = None,
    value_range: ValueRange | None = None,
) -> MemberMatchesPublic:
    """The notices that fit a member, best first, with reasons (the member and admins)."""
    policy.require(policy.can_read_member(principal, member_id))
    row = get_member(session=session, member_id=member_id)
    if row is None:
        raise NotFoundError(f"member {member_id} not found")
    return matches_with_feedback(
        session,
        matching,
        member_from_row(row),
        now=now,
        limit=limit,
        include_closed=include_closed,
        natures=list(natures) if natures is not None else None,
        value_range=value_range,
    )


def record_feedback(
    *,
    session: Session,
    principal: Principal,
    member_id: str,
    notice_id: str,
    verdict: Verdict,
    now: datetime,
) -> MemberFeedbackRow:
    """Record the member's verdict on a notice (any of its ids), replacing an earlier one."""
    policy.require(policy.can_edit_member(principal, member_id))
    row = feedback.set_feedback(
        session=session, member_id=member_id, notice_id=notice_id, verdict=verdict, now=now
    )
    session.commit()
    return row


def withdraw_feedback(
    *, session: Session, principal: Principal, member_id: str, notice_id: str
) -> None:
    """Withdraw the member's verdict on a notice."""
    policy.require(policy.can_edit_member(principal, member_id))
    feedback.withdraw_feedback(session=session, member_id=member_id, notice_id=notice_id)
    session.commit()


def read_feedback(
    *, session: Session, principal: Principal, member_id: str
) -> list[MemberFeedbackRow]:
    """The member's verdicts, latest first."""
    policy.require(policy.can_read_member(principal, member_id))
    return feedback.list_feedback(session=session, member_id=member_id)
