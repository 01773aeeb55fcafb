"""Free-text search over notices, in French or English.

Domain call: ``app.matching.search.search_notices`` (as ``GET /api/search``), whose
hits carry what a card shows (title, buyer, deadline, value, lot, passage).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from app.matching.search import SearchHit, has_words, search_notices
from app.web.deps import ContextDep, signed_in
from app.web.render import render

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
    hits: list[SearchHit] = []
    too_short = 0 < len(query) < MIN_QUERY
    no_word = not too_short and bool(query) and not has_words(query)
    if query and not too_short and not no_word:
        now = datetime.now(UTC)
        hits = search_notices(context.matching, query, now=now, limit=20, open_only=not closed)
    return render(
        request,
        "search.html",
        {
            "q": query,
            "hits": hits,
            "closed": bool(closed),
            "too_short": too_short,
            "no_word": no_word,
        },
    )
