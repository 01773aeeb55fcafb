"""Matches: a member's notices, a notice's members (per lot), and free-text search."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, StringConstraints

from app.api.deps import (
    AUTHENTICATED,
    CurrentPrincipal,
    MatchingDep,
    NowDep,
    SessionDep,
)
from app.api.params import MemberIdPath, NoticeIdPath
from app.api.value_params import MaxValue, MinValue, check_value_range
from app.feedback.usecases import match_member
from app.matching.present import MemberMatchesPublic, MemberTradePublic, NoticeMatchesPublic
from app.matching.search import search_notices
from app.matching.usecases import match_notice, read_member_trade
from models.notice import Money, Nature

router = APIRouter(tags=["matches"])


@router.get("/api/members/{member_id}/matches", response_model=MemberMatchesPublic)
def read_member_matches(
    member_id: MemberIdPath,
    principal: CurrentPrincipal,
    session: SessionDep,
    matching: MatchingDep,
    now: NowDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    include_closed: bool = False,
    nature: Annotated[list[Nature] | None, Query(description="Only these natures")] = None,
    min_value: MinValue = None,
    max_value: MaxValue = None,
) -> MemberMatchesPublic:
    """Retrieve the notices that fit a member, best first, with reasons."""
    value_range = check_value_range(min_value, max_value)
    return match_member(
        session=session,
        principal=principal,
        matching=matching,
        member_id=member_id,
        now=now,
        limit=limit,
        include_closed=include_closed,
        natures=nature,
        value_range=value_range,
    )


@router.get("/api/members/{member_id}/trade", response_model=MemberTradePublic)
def read_trade(
    member_id: MemberIdPath, principal: CurrentPrincipal, session: SessionDep, matching: MatchingDep
) -> MemberTradePublic:
    """Retrieve how matching reads a member's trade: the leading codes of their CPV profile."""
    return read_member_trade(
        session=session, principal=principal, matching=matching, member_id=member_id
    )


@router.get(
    "/api/notices/{notice_id}/matches",
    response_model=NoticeMatchesPublic,
    dependencies=[AUTHENTICATED],
)
def read_notice_matches(
    notice_id: NoticeIdPath,
    session: SessionDep,
    matching: MatchingDep,
    now: NowDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
) -> NoticeMatchesPublic:
    """Retrieve the members who fit a notice and each of its lots, with reasons."""
    return match_notice(
        session=session, matching=matching, notice_id=notice_id, now=now, limit=limit
    )


class SearchHitPublic(BaseModel):
    """A notice found by free text, with what a results list shows (no request per hit).

    ``lot``/``lot_title``: the lot that matches best (null: the whole notice);
    ``deadline`` and ``value`` are that lot's when it has its own, else the notice's;
    ``passage``: the notice's text that matched best.
    """

    notice_id: str
    score: float
    title: str
    buyer: str | None
    deadline: datetime | None
    value: Money | None
    lot: str | None
    lot_title: str | None
    passage: str | None


class SearchResultsPublic(BaseModel):
    """Free-text search results, best first."""

    query: str
    hits: list[SearchHitPublic]


@router.get("/api/search", response_model=SearchResultsPublic, dependencies=[AUTHENTICATED])
def read_search(
    matching: MatchingDep,
    now: NowDep,
    q: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=3, max_length=2000),
        Query(pattern=r"^[^\x00]*$"),
    ],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    open_only: bool = True,
) -> SearchResultsPublic:
    """Search notices by words, meaning and trade (CPV), in French or English.

    A short query is read as the subject it names: words first (title, description and
    CPV labels in both languages, accents and case ignored), then meaning and codes.
    """
    hits = search_notices(matching, q, now=now, limit=limit, open_only=open_only)
    return SearchResultsPublic(
        query=q, hits=[SearchHitPublic(**dataclasses.asdict(hit)) for hit in hits]
    )
