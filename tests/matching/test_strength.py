"""The band a score falls in, and its words in both languages."""

from __future__ import annotations

import pytest

from app.digest.preferences import DEFAULT_THRESHOLD
from app.matching.strength import MatchStrength, strength_label, strength_of


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (21.4, MatchStrength.STRONG),
        (13.0, MatchStrength.STRONG),
        (12.99, MatchStrength.GOOD),
        (10.0, MatchStrength.GOOD),
        (9.99, MatchStrength.POSSIBLE),
        (8.0, MatchStrength.POSSIBLE),
        (7.99, MatchStrength.WEAK),
        (-3.5, MatchStrength.WEAK),
    ],
)
def test_a_score_falls_in_the_band_whose_floor_it_reaches(
    score: float, band: MatchStrength
) -> None:
    assert strength_of(score) is band


def test_the_digest_tells_possible_matches_and_better_by_default() -> None:
    assert strength_of(DEFAULT_THRESHOLD) is MatchStrength.POSSIBLE
    assert strength_of(DEFAULT_THRESHOLD - 0.01) is MatchStrength.WEAK


def test_each_band_has_its_own_words_in_french_and_english() -> None:
    for language in ("fr", "en"):
        words = [strength_label(band, language) for band in MatchStrength]
        assert len(set(words)) == len(words)
    assert strength_label(MatchStrength.STRONG, "fr") == "correspondance forte"
    assert strength_label(MatchStrength.WEAK, "en") == "weak match"
