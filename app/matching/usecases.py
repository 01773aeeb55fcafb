"""Use cases of matching: the notices that fit a member, the members who fit a notice.

The API routes, the CLI commands and the web pages call these with the
process's matching engine (``AppContext.matching``: each edge says in its own
way that another process holds the index) and only translate the documents.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from app.auth import policy
from app.auth.principal import Principal
from app.matching.engine import MatchingEngine
from app.matching.present import (
    MemberMatchesPublic,
    NoticeMatchesPublic,
    member_matches,
    notice_matches,
)
from app.members.service import get_member, list_all_members, member_from_row
from app.notices.queries import resolve_notice_id
from models.errors import NotFoundError
from models.notice import Nature


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
) -> MemberMatchesPublic:
    """The notices that fit a member, best first, with reasons (the member and admins)."""
    policy.require(policy.can_read_member(principal, member_id))
    row = get_member(session=session, member_id=member_id)
    if row is None:
        raise NotFoundError(f"member {member_id} not found")
    found = matching.match_member(
        member_from_row(row),
        now=now,
        limit=limit,
        include_closed=include_closed,
        natures=list(natures) if natures is not None else None,
    )
    return member_matches(member_id, found)


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
