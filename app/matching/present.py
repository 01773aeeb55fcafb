"""Matches in the JSON shape of the CLI and API contract (``shared/DESIGN.md``)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from app.matching.cpv_inference import InferredCode
from app.matching.engine import NoticeMatches
from app.matching.scoring import Match
from models.vocabulary.cpv import CpvLabel, cpv_labels


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


class TradeCodePublic(BaseModel):
    """One leading code of a member's CPV profile, with its labels."""

    code: str
    depth: int
    confidence: float
    label_fr: str
    label_en: str

    @classmethod
    def of(cls, code: InferredCode, label: CpvLabel) -> TradeCodePublic:
        """A profile node with its official labels."""
        return cls(
            code=code.code,
            depth=code.depth,
            confidence=round(code.confidence, 4),
            label_fr=label.fr,
            label_en=label.en,
        )


class MemberTradePublic(BaseModel):
    """How matching reads a member's trade: the leading codes of their CPV profile."""

    member_id: str
    codes: list[TradeCodePublic]


def member_trade_public(member_id: str, codes: list[InferredCode]) -> MemberTradePublic:
    """The leading codes with their French and English labels (a code without one left out)."""
    labels = cpv_labels()
    found = [TradeCodePublic.of(c, labels[c.code]) for c in codes if c.code in labels]
    return MemberTradePublic(member_id=member_id, codes=found)


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
