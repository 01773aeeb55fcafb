"""Use cases of matching: the members who fit a notice, how matching reads a member's trade
(a member's notices: ``app.feedback``).

The API routes, the CLI commands and the web pages call these with the
process's matching engine (``AppContext.matching``: each edge says in its own
way that another process holds the index) and only translate the documents.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.matching.cpv_inference import InferredCode
from app.matching.engine import MatchingEngine
from app.matching.present import (
    MemberTradePublic,
    NoticeMatchesPublic,
    member_trade_public,
    notice_matches,
)
from app.members.service import list_all_members, member_from_row
from app.members.usecases import read_member
from app.notices.queries import resolve_notice_id
from models.errors import NotFoundError
from models.member import Member

TRADE_CODES = 4
"""How many of a member's leading CPV codes the profile page shows."""


def match_notice(
    *, session: Session, matching: MatchingEngine, notice_id: str, now: datetime, limit: int = 10
) -> NoticeMatchesPublic:
    """The members who fit a notice and each of its lots, with reasons (any member).

    ``NotFoundError`` for an unknown notice, and for one that is not matchable
    (an award notice has no requirements to match).
    """
    resolved = resolve_notice_id(session, notice_id)
    if resolved is None:
        raise NotFoundError(f"notice {notice_id} not found")
    members = [member_from_row(row) for row in list_all_members(session=session)]
    try:
        found = matching.match_notice(resolved, members, now=now, limit=limit)
    except KeyError:
        raise NotFoundError(f"notice {notice_id} is not matchable (an award notice?)") from None
    return notice_matches(found)


def member_trade(
    matching: MatchingEngine, member: Member, *, count: int = TRADE_CODES
) -> list[InferredCode]:
    """How matching reads the member's trade now: the leading codes of their CPV profile.

    The profile orders the notices that the member's words find comparable, and it
    follows those words and the notices they find: a code that is not the member's
    trade tells them which statement to reword, or which codes to declare.
    """
    return matching.context(member).profile.leading_codes(count)


def read_member_trade(
    *, session: Session, principal: Principal, matching: MatchingEngine, member_id: str
) -> MemberTradePublic:
    """How matching reads a stored member's trade (the member and admins)."""
    row = read_member(session=session, principal=principal, member_id=member_id)
    return member_trade_public(member_id, member_trade(matching, member_from_row(row)))
