"""Free-text search over notices, in French or English.

Domain calls: ``app.matching.search.search_notices`` (as ``GET /api/search``),
``app.notices.queries.notices_by_id`` and ``present``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from app.matching.search import search_notices
from app.notices.queries import notices_by_id, present
from app.web.deps import ContextDep, signed_in
from app.web.render import render
from models.notice import Notice

router = APIRouter(include_in_schema=False)
MIN_QUERY = 3


@router.get("/search", dependencies=[Depends(signed_in)])
def search(
    request: Request,
    context: ContextDep,
    q: Annotated[str, Query(max_length=2000, pattern=r"^[^\x00]*$")] = "",
    closed: Annotated[str, Query(max_length=5)] = "",
) -> Response:
    """Notices that fit the words, by meaning, words and trade (open ones unless asked)."""
    query = q.strip()
    hits: list[tuple[Notice, str | None]] = []
    now = datetime.now(UTC)
    if len(query) >= MIN_QUERY:
        found = search_notices(context.matching, query, now=now, limit=20, open_only=not closed)
        with context.sessions() as session:
            rows = notices_by_id(session, [hit.notice_id for hit in found])
        hits = [
            (present(rows[h.notice_id], now=now), h.passage) for h in found if h.notice_id in rows
        ]
    return render(
        request,
        "search.html",
        {"q": query, "hits": hits, "closed": bool(closed), "too_short": 0 < len(query) < MIN_QUERY},
    )
