"""Feedback compares notices by their own words, weighed by the catalog's idf (real notices)."""

from __future__ import annotations

import math

import pytest

from app.feedback.profiles import NoticeProfile, notice_profile, similarities
from app.feedback.rerank import rerank
from app.matching.lexical import BM25Index, document_terms, notices_index
from app.matching.scoring import Match, MatchReason
from app.members.feedback_examples import Example
from models.notice import Lot, Notice
from models.vocabulary.cpv import cpv_labels
from tests.utils.data import devset_notices

SITE_REDESIGN = "decp:2178031130001820182rG0hS6Dd200"  # Refonte du site internet de la Ville
SITE_BUILD = "decp:200063402000162018N030000"  # Conception… du site internet de la ville
PACKAGE_A = "decp:2245000170001320181834000"  # Maintenance du progiciel GESTIMARCHES
PACKAGE_B = "decp:2245000170001320181831500"  # Maintenance du progiciel MICROSAT


@pytest.fixture(scope="module")
def devset() -> tuple[dict[str, Notice], BM25Index]:
    """Every devset notice, and the BM25 index a catalog of them holds."""
    notices = devset_notices()
    return {notice.id: notice for notice in notices}, notices_index(notices)


def _profiles(devset: tuple[dict[str, Notice], BM25Index], *ids: str) -> list[NoticeProfile]:
    notices, lexical = devset
    return [notice_profile(notices[notice_id], lexical) for notice_id in ids]


def test_a_profile_holds_the_notice_s_own_words_at_unit_length(
    devset: tuple[dict[str, Notice], BM25Index],
) -> None:
    notices, lexical = devset
    notice = notices[PACKAGE_A]
    profile = notice_profile(notice, lexical)
    assert profile.notice_id == PACKAGE_A and profile.title == notice.title
    assert math.isclose(sum(w * w for w in profile.terms.values()), 1.0, rel_tol=1e-9)
    own = set(document_terms(notice.title, notice.language))
    own |= set(document_terms(notice.description, notice.language))
    assert set(profile.terms) == own
    labels = cpv_labels()
    label_words = {
        term
        for code in notice.cpv
        for text, language in ((labels[code].fr, "fr"), (labels[code].en, "en"))
        for term in document_terms(text, language)
    }
    assert label_words - own  # the code's labels have words of their own…
    assert not (label_words - own) & set(profile.terms)  # …which the profile leaves out
    # A word in few notices weighs more than one in many (same count in this notice).
    assert profile.terms["gestimarch"] > profile.terms["mainten"]


def test_a_notice_with_lots_is_compared_by_its_lots_words_too(
    devset: tuple[dict[str, Notice], BM25Index],
) -> None:
    _, lexical = devset
    notice = Notice(
        id="boamp:test-lots",
        title="Travaux de réhabilitation du groupe scolaire",
        source="boamp",
        lots=[Lot(id="3", title="Peinture", description="Peinture des façades et des préaux")],
    )
    profile = notice_profile(notice, lexical)
    assert {"peintur", "facad", "preau", "rehabilit"} <= set(profile.terms)


def test_words_tell_a_website_from_a_software_package_maintenance(
    devset: tuple[dict[str, Notice], BM25Index],
) -> None:
    """The assessors' recurring error for a web developer, in the feedback's terms."""
    redesign, build, package_a, package_b = _profiles(
        devset, SITE_REDESIGN, SITE_BUILD, PACKAGE_A, PACKAGE_B
    )
    sims = similarities([build, package_b], [redesign, package_a])
    assert sims[0, 0] > sims[0, 1]  # the website build is like the website redesign
    assert sims[1, 1] > sims[1, 0]  # the package maintenance is like the other package's
    assert similarities([redesign], [redesign])[0, 0] == pytest.approx(1.0)
    assert similarities([redesign], [NoticeProfile("x:empty", "")])[0, 0] == 0.0

    def match(notice_id: str, score: float) -> Match:
        return Match(notice_id, None, score, MatchReason((), (), (), (), ()))

    # The engine has the package maintenance first; the member liked the redesign and
    # refused the other package: the website build comes first, and says why.
    profiles = {p.notice_id: p for p in (redesign, build, package_a, package_b)}
    candidates = [match(PACKAGE_B, 3.0), match(SITE_BUILD, 2.0)]
    examples = [
        Example(SITE_REDESIGN, True, "relevant"),
        Example(PACKAGE_A, False, "not_relevant"),
    ]
    ranked = rerank(candidates, examples, profiles, limit=2)
    assert [r.match.notice_id for r in ranked] == [SITE_BUILD, PACKAGE_B]
    assert ranked[0].feedback[0].example_id == SITE_REDESIGN
    assert ranked[1].feedback[0].example_id == PACKAGE_A
