"""Free-text search of notices: a short query read as the subject it names.

A query is read as the profile of a member who does just that, over the member
matching's catalog, index and scoring (words, meaning and CPV codes). A short query
(two or three words, often a CPV label's, possibly in the other language) has its
text signals weighed for what it is: its words are precise and its embedding vague
(a sentence encoder reads two words poorly), so BM25 over title, description and
the French and English CPV labels (accents, ligatures and case folded) weighs four
times the cosine, where a member's statements weigh the cosine first. The CPV codes
of the notices the words find best in what their buyers wrote (not in their codes'
labels, which a two-word query often echoes; checked against the query's own words)
then order notices the words find comparable, as for a member. Each word also matches,
at half its weight, its equivalents in the other language among the catalog's words
(:mod:`app.matching.equivalents`: "website" finds "site", "management" "gestion"). A
longer text is read with the member weights.

Measured on the devset (``scripts/eval_matching.py``): judged figures on the 12
queries of ``data/devset/search``, and each sample member's statements (and their
first three words) as queries against that member's CPV labels.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime

from app.matching.engine import CONTEXT_CANDIDATES, MatchingEngine
from app.matching.lexical import tokens
from app.matching.scoring import Match, ScoringWeights
from models.errors import InvalidInputError
from models.member import Member
from models.notice import Money, Nature, Notice
from models.vocabulary.text import clean_line

QUERY_MEMBER_ID = "free-text-query"
"""The id of the member a free-text query is read as (never stored)."""

SHORT_QUERY_WORDS = 4
"""A query of at most this many words (stopwords aside) is a subject, read words first.

A longer text (a sentence saying what someone does) is read as a member's statement,
with the member weights: measured on the 29 member statements as queries, the short
query weights lose 0.04 nDCG@10 there.
"""

SHORT_QUERY_WEIGHTS = dataclasses.replace(
    ScoringWeights(), dense=0.25, lexical=1.0, feedback_labels=False, equivalent_weight=0.5
)
"""The member weights with words over meaning (lexical 4× dense, where a member has 0.75×).

The ratio was chosen among five (dense 0.125–1 for lexical 1) on the judged queries, then
the equivalents' weight among four (0–0.75: 0.824, 0.842, 0.850, 0.845 at dense 0.25; they
gain at every dense weight). The notices that lend the query their CPV codes are picked
by what their buyers wrote, not by their codes' labels (``feedback_labels``); CPV and the
rest are the member matching's.
"""


@dataclass(frozen=True)
class SearchHit:
    """A notice found by free text: what a results list shows, and why it was found.

    ``lot`` and ``lot_title`` name the lot that matches best (None: the whole notice);
    ``deadline`` and ``value`` are that lot's when it has its own, else the notice's.
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


NO_WORD = "no word to search for: only common words (de, la, the…), digits of one figure or signs"
"""Why a query is refused that holds no word BM25 reads (``query.q`` at the API)."""


def has_words(text: str) -> bool:
    """Whether ``text`` holds a word to search for (stopwords and signs aside).

    Without one, the ranking would be whatever the embedding of "de la" or "!!!"
    happens to be near: notices unrelated to anything the person meant.
    """
    return bool(tokens(text))


SHORT_QUERY_CONTEXT_CANDIDATES = 100
"""Candidates among which a short query's best text matches lend it their codes.

Half a member's (``CONTEXT_CANDIDATES``): a query's words pick those notices mostly by
BM25, and its five best are among the first 100 of each list. Measured: the same CPV
profile as with 200 for the 12 judged queries and the 29 statements' first three words,
on the devset and at 100k notices (where a member's profile did differ), and search p95
at 100k fell from 101–112 to 70–73 ms in process (the candidates' notices parsed and
vectors read back are most of a query's cost).
"""


@dataclass(frozen=True)
class ReadQuery:
    """A free-text query as matching reads it: the member who does just that, and how."""

    member: Member
    weights: ScoringWeights | None
    """None: the member weights (a longer text, read as a member's statement)."""
    context_candidates: int


def read_query(text: str) -> ReadQuery:
    """How ``text`` is read: a short query as a subject, a longer one as a statement.

    Raises :class:`InvalidInputError` (field ``query.q``) for a text with no word to
    search for.
    """
    if not has_words(text):
        raise InvalidInputError(
            f"q: {NO_WORD}", [{"field": "query.q", "message": NO_WORD}], in_input=False
        )
    # Words typed in a search box say what the notices are about, not what the person
    # sells: supply notices stay in (the member matching leaves them out by what a
    # member sells). A short query is lower-cased (case in a search box says nothing,
    # and the model reads "ÉLECTRICITÉ" as another text); a sentence keeps its case,
    # as a member's statement does. Quotes are made plain.
    short = len(tokens(text)) <= SHORT_QUERY_WORDS
    typed = clean_line(text)
    member = Member(
        id=QUERY_MEMBER_ID,
        name="free-text query",
        expertise=[typed.lower() if short else typed],
        sells=list(Nature),
    )
    if short:
        return ReadQuery(member, SHORT_QUERY_WEIGHTS, SHORT_QUERY_CONTEXT_CANDIDATES)
    return ReadQuery(member, None, CONTEXT_CANDIDATES)


def search_notices(
    engine: MatchingEngine, text: str, *, now: datetime, limit: int, open_only: bool
) -> list[SearchHit]:
    """The notices that best fit ``text``, best first, each with what a results list shows.

    Raises :class:`InvalidInputError` (field ``query.q``) for a text with no word to
    search for.
    """
    query = read_query(text)
    matches = engine.match_member(
        query.member,
        now=now,
        limit=limit,
        include_closed=not open_only,
        weights=query.weights,
        context_candidates=query.context_candidates,
    )
    notices = {notice.id: notice for notice in engine.notices([m.notice_id for m in matches])}
    # A notice removed from the store since the catalog was built is left out.
    return [search_hit(m, notices[m.notice_id]) for m in matches if m.notice_id in notices]


def search_hit(match: Match, notice: Notice) -> SearchHit:
    """A match of a query presented with its notice's title, buyer, deadline and value."""
    lot = next((lot for lot in notice.lots if lot.id == match.lot), None)
    buyer = notice.buyer or next(iter(notice.buyers), None)
    deadline = (lot.deadline if lot else None) or notice.effective_deadline()
    return SearchHit(
        notice_id=match.notice_id,
        score=round(match.score, 4),
        title=notice.title,
        buyer=buyer.name if buyer is not None and buyer.name else None,
        deadline=deadline,
        value=(lot.value if lot else None) or notice.value,
        lot=lot.id if lot else None,
        lot_title=(lot.title or None) if lot else None,
        passage=match.reasons.passages[0].passage.text if match.reasons.passages else None,
    )
