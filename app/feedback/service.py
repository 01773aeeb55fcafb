"""A member's matches, learning from their feedback: the engine's list, re-ranked.

When the feedback can move the ranking (:func:`app.feedback.rerank.learns`), the
engine is asked for ``CANDIDATE_FACTOR`` times the notices shown, so that a
notice just below the top can come up; the member's examples (verdicts and
intentions) and the profiles of candidates and examples (their words, from the
notices the engine keeps parsed, weighed by the catalog's idf) feed the pure
:func:`app.feedback.rerank.rerank`. A member who gave no feedback, or only
positive feedback, gets the engine's list as it is, at its cost.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from app.feedback.profiles import NoticeProfile, notice_profile
from app.feedback.rerank import FeedbackWeights, RankedMatch, learns, rerank
from app.matching.engine import MatchingEngine
from app.matching.filters import ValueRange
from app.matching.present import MemberMatchesPublic, member_matches
from app.matching.scoring import Match
from app.members.feedback import member_examples
from app.members.feedback_examples import Example
from models.member import Member
from models.notice import Nature

CANDIDATE_FACTOR = 3
"""The engine proposes this many times the notices shown; feedback picks among them."""


def notice_profiles(
    engine: MatchingEngine, notice_ids: Collection[str]
) -> dict[str, NoticeProfile]:
    """The profile of each stored notice of ``notice_ids``, by the catalog's idf.

    The notices come parsed from the engine (its candidates are kept parsed), the idf
    from the catalog's BM25 index.
    """
    if not notice_ids:
        return {}
    lexical = engine.catalog().lexical
    return {
        notice.id: notice_profile(notice, lexical)
        for notice in engine.notices(sorted(set(notice_ids)))
    }


def rerank_for_member(
    engine: MatchingEngine,
    candidates: Sequence[Match],
    examples: Sequence[Example],
    *,
    limit: int,
    weights: FeedbackWeights | None = None,
) -> list[RankedMatch]:
    """Re-rank engine matches with ``examples``, reading the profiles they need.

    Without a refusal the ranking stays the engine's (see :mod:`app.feedback.rerank`):
    only the titles of the candidates the member marked themselves are read.
    """
    shown = {m.notice_id for m in candidates}
    if learns(examples):
        ids = shown | {e.notice_id for e in examples}
    else:
        ids = shown & {e.notice_id for e in examples}
    profiles = notice_profiles(engine, ids)
    return rerank(candidates, examples, profiles, limit=limit, weights=weights)


def ranked_with_feedback(
    session: Session,
    engine: MatchingEngine,
    member: Member,
    *,
    now: datetime,
    limit: int,
    include_closed: bool = False,
    natures: Collection[Nature] | None = None,
    value_range: ValueRange | None = None,
    examples: Sequence[Example] | None = None,
) -> list[RankedMatch]:
    """The member's matches re-ranked by their feedback (notices refused left out).

    The web pages lay out the ``Match`` objects themselves; the API and CLI take the
    public document of :func:`matches_with_feedback`, built from this same list.
    ``examples`` are the member's own when None; a profile preview passes the stored
    member's with the edited, unsaved profile, so it ranks as the home will once saved.
    """
    if examples is None:
        examples = member_examples(session=session, member_id=member.id)
    asked = limit * CANDIDATE_FACTOR if learns(examples) else limit
    candidates = engine.match_member(
        member,
        now=now,
        limit=asked,
        include_closed=include_closed,
        natures=natures,
        value_range=value_range,
    )
    return rerank_for_member(engine, candidates, examples, limit=limit)


def matches_with_feedback(
    session: Session,
    engine: MatchingEngine,
    member: Member,
    *,
    now: datetime,
    limit: int,
    include_closed: bool = False,
    natures: Collection[Nature] | None = None,
    value_range: ValueRange | None = None,
) -> MemberMatchesPublic:
    """The member's matches document, re-ranked by their feedback, reasons saying so."""
    ranked = ranked_with_feedback(
        session,
        engine,
        member,
        now=now,
        limit=limit,
        include_closed=include_closed,
        natures=natures,
        value_range=value_range,
    )
    document = member_matches(member.id, [r.match for r in ranked])
    for shown, item in zip(document.matches, ranked, strict=True):
        shown.reasons.extend(reason.as_json() for reason in item.feedback)
    return document
