"""Matches in the JSON shape of the CLI and API contract (``shared/DESIGN.md``)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from app.matching.engine import NoticeMatches
from app.matching.scoring import Match


class MatchPublic(BaseModel):
    """One notice (or lot) proposed to a member, with why."""

    notice_id: str
    lot: str | None
    score: float
    reasons: list[dict[str, Any]]


class MemberMatchesPublic(BaseModel):
    """A member's matches, best first, one per notice."""

    member_id: str
    matches: list[MatchPublic]


class MemberFitPublic(BaseModel):
    """One member proposed for a notice or lot, with why."""

    member_id: str
    score: float
    reasons: list[dict[str, Any]]


class LotMembersPublic(BaseModel):
    """The best members for the whole notice (``lot`` null) or one lot."""

    lot: str | None
    members: list[MemberFitPublic]


class NoticeMatchesPublic(BaseModel):
    """Who fits a notice, per lot."""

    notice_id: str
    lots: list[LotMembersPublic]


def member_matches(member_id: str, matches: list[Match]) -> MemberMatchesPublic:
    """The ``match member`` document."""
    return MemberMatchesPublic(
        member_id=member_id,
        matches=[
            MatchPublic(
                notice_id=m.notice_id,
                lot=m.lot,
                score=round(m.score, 4),
                reasons=m.reasons.as_json(),
            )
            for m in matches
        ],
    )


def notice_matches(found: NoticeMatches) -> NoticeMatchesPublic:
    """The ``match notice`` document (whole notice first, then lots in notice order)."""
    return NoticeMatchesPublic(
        notice_id=found.notice_id,
        lots=[
            LotMembersPublic(
                lot=lot,
                members=[
                    MemberFitPublic(
                        member_id=member_id,
                        score=round(match.score, 4),
                        reasons=match.reasons.as_json(),
                    )
                    for member_id, match in ranked
                ],
            )
            for lot, ranked in found.lots.items()
        ],
    )
