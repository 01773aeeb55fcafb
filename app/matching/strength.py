"""How strongly a match fits, in words a member reads: strong, good, possible, weak.

A score is a sum of weighted signals (BM25, cosine, CPV bonus) with no unit a
member knows, and the list of « Pour moi » is always full: a member whose trade
has few notices sees twenty anyway. The bands say what a score is worth on the
assessors' scale. They were read off the judged devset (``scripts/eval_matching.py``,
section "match strength": the judged notices among each member's first 30, as
served), where the share an assessor graded relevant rises with the score:

========  ==============  ===================
band      score           relevant share
========  ==============  ===================
weak      under 8         about a quarter
possible  8 to 10         about a half
good      10 to 13        about four in five
strong    13 and above    nearly all
========  ==============  ===================

8 is also the digest's default threshold (``app.digest.preferences``): a digest
tells "possible" matches and better. The edges are round numbers, not fitted to
a member: the script prints the shares so a new embedder or new weights can be
checked against them.
"""

from __future__ import annotations

from enum import StrEnum

from app.core.i18n import translations


class MatchStrength(StrEnum):
    """A band of scores, weakest first (the order of :data:`STRENGTH_FLOORS`)."""

    WEAK = "weak"
    POSSIBLE = "possible"
    GOOD = "good"
    STRONG = "strong"


POSSIBLE_FLOOR = 8.0
"""The lowest score that is more than a weak match (the digest's default threshold)."""

STRENGTH_FLOORS: tuple[tuple[MatchStrength, float], ...] = (
    (MatchStrength.STRONG, 13.0),
    (MatchStrength.GOOD, 10.0),
    (MatchStrength.POSSIBLE, POSSIBLE_FLOOR),
)
"""The lowest score of each band above weak, strongest first."""

CONFIDENT = frozenset({MatchStrength.GOOD, MatchStrength.STRONG})
"""The bands where most matches are relevant: a list without one warns the member."""


def strength_of(score: float) -> MatchStrength:
    """The band a match score falls in."""
    for strength, floor in STRENGTH_FLOORS:
        if score >= floor:
            return strength
    return MatchStrength.WEAK


def strength_label(strength: MatchStrength, language: str) -> str:
    """The band in the reader's language, as a page or a digest says it ("strong match")."""
    _ = translations(language).gettext
    labels = {
        MatchStrength.STRONG: _("strong match"),
        MatchStrength.GOOD: _("good match"),
        MatchStrength.POSSIBLE: _("possible match"),
        MatchStrength.WEAK: _("weak match"),
    }
    return labels[strength]
