"""Free-text search of notices: the text read as the profile of a member who does just that.

The member matching then ranks notices by meaning, words and the CPV codes of the
notices that fit the text best (the same scoring as a member's list). Measured on
the devset (``scripts/eval_matching.py``): judged figures on the 12 queries of
``data/devset/search``, and each sample member's statements as queries against that
member's CPV labels.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.matching.engine import MatchingEngine
from models.member import Member
from models.notice import Nature

QUERY_MEMBER_ID = "free-text-query"
"""The id of the member a free-text query is read as (never stored)."""


@dataclass(frozen=True)
class SearchHit:
    """A notice found by free text, with the passage that matched best."""

    notice_id: str
    score: float
    passage: str | None


def search_notices(
    engine: MatchingEngine, text: str, *, now: datetime, limit: int, open_only: bool
) -> list[SearchHit]:
    """The notices that best fit ``text``, best first, with the passage that matched best."""
    # Words typed in a search box say what the notices are about, not what the person
    # sells: supply notices stay in (the member matching leaves them out by what a
    # member sells).
    query = Member(id=QUERY_MEMBER_ID, name="free-text query", expertise=[text], sells=list(Nature))
    matches = engine.match_member(query, now=now, limit=limit, include_closed=not open_only)
    return [
        SearchHit(
            notice_id=match.notice_id,
            score=round(match.score, 4),
            passage=match.reasons.passages[0].passage.text if match.reasons.passages else None,
        )
        for match in matches
    ]
