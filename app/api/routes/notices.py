"""Notices: filtered lists and single notices in the notice JSON form."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from app.api.deps import AUTHENTICATED, NowDep, SessionDep
from app.api.params import NoticeIdPath, SearchText
from app.api.value_params import MaxValue, MinValue, check_value_range
from app.notices.queries import NoticeFilter, list_notices, present, served_notice
from models.notice import Notice

router = APIRouter(prefix="/api/notices", tags=["notices"], dependencies=[AUTHENTICATED])


class NoticesPublic(BaseModel):
    """One page of notices."""

    total: int
    limit: int
    offset: int
    items: list[Notice]


@router.get("", response_model=NoticesPublic)
def read_notices(
    session: SessionDep,
    now: NowDep,
    q: SearchText = None,
    cpv: Annotated[str | None, Query(pattern=r"^\d{2,8}$", description="CPV code prefix")] = None,
    open_only: Annotated[bool, Query(description="Only notices still open")] = False,
    source: Annotated[str | None, Query(pattern=r"^[a-z]+$", max_length=20)] = None,
    min_value: MinValue = None,
    max_value: MaxValue = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> NoticesPublic:
    """Retrieve notices, soonest deadline first (a value bound keeps notices that give one)."""
    check_value_range(min_value, max_value)
    filters = NoticeFilter(
        text=q,
        cpv_prefix=cpv,
        open_only=open_only,
        source=source,
        min_value=min_value,
        max_value=max_value,
    )
    total, rows = list_notices(session, filters, limit=limit, offset=offset, now=now)
    items = [present(row, now=now) for row in rows]
    return NoticesPublic(total=total, limit=limit, offset=offset, items=items)


@router.get("/{notice_id}", response_model=Notice)
def read_notice(notice_id: NoticeIdPath, session: SessionDep, now: NowDep) -> Notice:
    """Retrieve one notice by any of its source ids."""
    return served_notice(session, notice_id, now=now)[1]
