"""The judged figures of ``scripts/eval_matching.py`` on the assessors' own grades.

``judged.json`` is the yardstick of matching: nDCG@10 with unjudged items counted 0,
the judged share of the top 10, and the re-ranking ceiling that ``tune_matching.py
--bounds`` prints to say whether a figure is lost in the candidates or in their order.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scripts.eval_matching import DEVSET, judged_metrics, reranking_ceiling


@pytest.fixture(scope="module")
def grades() -> dict[str, int]:
    """One devset member's grades, as the assessors gave them."""
    judged: dict[str, dict[str, int]] = json.loads(Path(DEVSET / "judged.json").read_text())
    return judged["m-studies"]


def _worst_first(grades: dict[str, int]) -> list[str]:
    return sorted(grades, key=lambda item: (grades[item], item))


def test_an_unjudged_item_counts_as_not_relevant_and_lowers_the_share(
    grades: dict[str, int],
) -> None:
    best = sorted(grades, key=lambda item: (-grades[item], item))
    ideal = judged_metrics(best, grades)
    with_unjudged = judged_metrics(["notice-nobody-judged", *best], grades)
    assert ideal.ndcg == pytest.approx(1.0)
    assert ideal.share == 1.0
    assert with_unjudged.ndcg < ideal.ndcg
    assert with_unjudged.share == pytest.approx(0.9)
    assert with_unjudged.unjudged == ("notice-nobody-judged",)


def test_the_ceiling_reorders_only_the_first_items(grades: dict[str, int]) -> None:
    ranked = _worst_first(grades)
    relevant = sum(1 for grade in grades.values() if grade > 0)
    assert judged_metrics(ranked, grades).ndcg < 0.5
    # Every judged item within reach: the perfect order scores 1.
    assert reranking_ceiling(ranked, grades, len(ranked)) == pytest.approx(1.0)
    # The relevant items all lie past the first ten not-relevant ones: reordering
    # those ten gains nothing.
    assert len(grades) - relevant >= 10
    assert reranking_ceiling(ranked, grades, 10) == pytest.approx(0.0)
    # Never below the ranking it starts from.
    for depth in (10, 20, 30):
        assert reranking_ceiling(ranked, grades, depth) >= judged_metrics(ranked, grades).ndcg
