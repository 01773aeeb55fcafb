"""The pure re-ranker's invariants, on generated candidates, examples and notice profiles."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from app.feedback.profiles import NoticeProfile, unit_length
from app.feedback.rerank import RankedMatch, balance, rerank
from app.matching.scoring import Match, MatchReason
from app.members.feedback_examples import Example


def _match(notice_id: str, score: float) -> Match:
    return Match(notice_id, None, score, MatchReason((), (), (), (), ()))


def _terms(*weights: float) -> dict[str, float]:
    """A term vector over the stems t0, t1… (unit length; all zeros: no term)."""
    return unit_length({f"t{i}": weight for i, weight in enumerate(weights)})


@st.composite
def cases(draw: st.DrawFn) -> tuple[list[Match], list[Example], dict[str, NoticeProfile], int]:
    count = draw(st.integers(min_value=1, max_value=25))
    ids = [f"boamp:{i:04d}" for i in range(count + 8)]
    scores = draw(
        st.lists(
            st.floats(min_value=-5, max_value=15, allow_nan=False),
            min_size=count,
            max_size=count,
        )
    )
    ranked = sorted(zip(ids[:count], scores, strict=True), key=lambda item: -item[1])
    candidates = [_match(i, s) for i, s in ranked]
    judged = draw(st.lists(st.sampled_from(ids), unique=True, max_size=10))
    examples = [
        Example(i, positive=draw(st.booleans()), cause=draw(st.sampled_from(["relevant", "lead"])))
        for i in judged
    ]
    examples = [e if e.positive else Example(e.notice_id, False, "not_relevant") for e in examples]
    profiles = {}
    for i in ids:
        weights = draw(
            st.lists(st.floats(min_value=0, max_value=1, allow_nan=False), min_size=4, max_size=4)
        )
        profiles[i] = NoticeProfile(i, f"titre {i}", _terms(*weights))
    limit = draw(st.integers(min_value=1, max_value=12))
    return candidates, examples, profiles, limit


@settings(max_examples=150, deadline=None)
@given(cases())
def test_rerank_keeps_its_promises(
    case: tuple[list[Match], list[Example], dict[str, NoticeProfile], int],
) -> None:
    candidates, examples, profiles, limit = case
    ranked = rerank(candidates, examples, profiles, limit=limit)
    rejected = {e.notice_id for e in examples if not e.positive}
    ids = [r.match.notice_id for r in ranked]
    engine = {m.notice_id: m.score for m in candidates}
    assert len(ids) == len(set(ids)) == min(limit, len(set(engine) - rejected))
    assert not set(ids) & rejected  # a rejected notice is never proposed again
    assert set(ids) <= set(engine)
    scores = [r.match.score for r in ranked]
    assert scores == sorted(scores, reverse=True)
    assert all(r.engine_score == engine[r.match.notice_id] for r in ranked)
    positives = {e.notice_id for e in examples if e.positive}
    assert all(r.match.score >= r.engine_score for r in ranked if r.match.notice_id in positives)
    first = [m.notice_id for m in candidates if m.notice_id not in rejected][:limit]
    for r in ranked:  # a notice that feedback brought among those shown says why
        if r.match.notice_id not in first and r.match.score > r.engine_score:
            assert r.match.notice_id in positives or r.feedback
    for r in ranked:
        for reason in r.feedback:
            if reason.effect in ("like", "marked"):
                assert reason.example_id in positives
            else:
                assert reason.example_id in rejected
            en, fr = reason.sentences()
            assert en and fr and en != fr


@settings(max_examples=50, deadline=None)
@given(cases())
def test_without_a_refusal_the_engine_order_stands(
    case: tuple[list[Match], list[Example], dict[str, NoticeProfile], int],
) -> None:
    candidates, examples, profiles, limit = case
    positives = [e for e in examples if e.positive]
    for given_examples in ([], positives):
        ranked = rerank(candidates, given_examples, profiles, limit=limit)
        assert [r.match for r in ranked] == candidates[:limit]
        marked = {e.notice_id for e in given_examples}
        for r in ranked:
            assert [x.effect for x in r.feedback] == (
                ["marked"] if r.match.notice_id in marked else []
            )


def test_a_notice_like_a_relevant_one_overtakes_one_like_a_rejected_one() -> None:
    web, package = _terms(1.0, 0.0, 0.0), _terms(0.0, 1.0, 0.0)
    profiles = {
        "ted:liked": NoticeProfile("ted:liked", "Refonte du site internet", web),
        "ted:refused": NoticeProfile("ted:refused", "Maintenance du progiciel", package),
        "boamp:a": NoticeProfile("boamp:a", "Maintenance logiciel", package),
        "boamp:b": NoticeProfile("boamp:b", "Création d'un site web", web),
        "boamp:c": NoticeProfile("boamp:c", "Autre chose", _terms(0.0, 0.0, 1.0)),
    }
    fillers = {f"boamp:f{i}": score for i, score in enumerate((6.0, 5.0, 1.0, 0.0))}
    profiles.update({i: NoticeProfile(i, i, _terms(0.0, 0.0, 1.0)) for i in fillers})
    candidates = sorted(
        [_match("boamp:a", 3.0), _match("boamp:c", 2.99), _match("boamp:b", 2.98)]
        + [_match(i, score) for i, score in fillers.items()],
        key=lambda m: -m.score,
    )
    examples = [
        Example("ted:liked", True, "relevant"),
        Example("ted:refused", False, "not_relevant"),
    ]
    ranked = rerank(candidates, examples, profiles, limit=7)
    order = [
        r.match.notice_id for r in ranked if r.match.notice_id in ("boamp:a", "boamp:b", "boamp:c")
    ]
    assert order == ["boamp:b", "boamp:c", "boamp:a"]  # the engine had them a, c, b
    first = next(r for r in ranked if r.match.notice_id == "boamp:b")
    last = next(r for r in ranked if r.match.notice_id == "boamp:a")
    assert first.feedback[0].effect == "like"
    assert first.feedback[0].sentences() == (
        "like the notices you marked relevant: “Refonte du site internet”",
        "comme les avis que vous avez jugés pertinents : « Refonte du site internet »",
    )
    assert [r.effect for r in last.feedback] == ["near_rejected"]
    assert "Maintenance du progiciel" in last.feedback[0].sentences()[1]


def test_with_refusals_only_a_near_twin_of_a_declined_notice_moves_down() -> None:
    package, other = _terms(0.0, 1.0), _terms(1.0, 0.0)
    profiles = {
        "ted:declined": NoticeProfile("ted:declined", "Maintenance du progiciel", package),
        "boamp:twin": NoticeProfile("boamp:twin", "Maintenance progiciel", package),
    }
    profiles.update({f"boamp:{i}": NoticeProfile(f"boamp:{i}", "", other) for i in range(5)})
    candidates = [_match("boamp:twin", 5.0)] + [_match(f"boamp:{i}", 4.0 - i) for i in range(5)]
    ranked = rerank(candidates, [Example("ted:declined", False, "declined")], profiles, limit=6)
    twin = next(r for r in ranked if r.match.notice_id == "boamp:twin")
    assert twin.match.score < twin.engine_score
    assert [r.sentences()[0] for r in twin.feedback] == [
        "close to notices you declined: “Maintenance du progiciel”"
    ]
    others = [r for r in ranked if r is not twin]
    assert all(r.match.score > r.engine_score for r in others)  # unlike the refusal: up


def test_a_rejected_candidate_is_dropped_and_a_relevant_one_says_so() -> None:
    profiles = {i: NoticeProfile(i, i, _terms(1.0, 0.0)) for i in ("x:1", "x:2", "x:3")}
    candidates = [_match("x:1", 2.0), _match("x:2", 1.0), _match("x:3", 0.0)]
    examples = [Example("x:1", False, "declined"), Example("x:3", True, "lead")]
    ranked = rerank(candidates, examples, profiles, limit=5)
    assert [r.match.notice_id for r in ranked] == ["x:2", "x:3"]
    marked = [reason for reason in ranked[1].feedback if reason.effect == "marked"]
    assert marked[0].sentences() == (
        "you offered to lead this notice",
        "vous proposez de mener cet avis",
    )


def _moves(ranked: list[RankedMatch]) -> dict[str, float]:
    """How far feedback moved each shown candidate, in engine-score units."""
    return {r.match.notice_id: r.match.score - r.engine_score for r in ranked}


@settings(max_examples=100, deadline=None)
@given(cases(), st.floats(min_value=0.1, max_value=10), st.floats(min_value=-20, max_value=20))
def test_moves_follow_the_engine_scores_scale(
    case: tuple[list[Match], list[Example], dict[str, NoticeProfile], int],
    scale: float,
    shift: float,
) -> None:
    """Moves are in standard deviations of the engine's scores: rescaling those scales the
    moves alike, so the order feedback gives does not depend on the engine's units."""
    candidates, examples, profiles, _ = case
    rejected = {e.notice_id for e in examples if not e.positive}
    # with no spread of engine scores there is no unit to move by (a fixed unit is used)
    kept = [m.score for m in candidates if m.notice_id not in rejected]
    assume(len(kept) > 1 and np.std(kept) > 1e-6)
    rescaled = [dataclasses.replace(m, score=m.score * scale + shift) for m in candidates]
    every = len(candidates)
    plain = _moves(rerank(candidates, examples, profiles, limit=every))
    scaled = _moves(rerank(rescaled, examples, profiles, limit=every))
    assert plain.keys() == scaled.keys()
    for notice_id, move in plain.items():
        assert math.isclose(scaled[notice_id], move * scale, rel_tol=1e-6, abs_tol=1e-6)


@settings(max_examples=100, deadline=None)
@given(cases())
def test_swapping_relevant_and_refused_reverses_every_move(
    case: tuple[list[Match], list[Example], dict[str, NoticeProfile], int],
) -> None:
    """The contrast is symmetric: what pulls towards the relevant pushes towards the refused.

    Examples outside the candidates only (a refused candidate is dropped, so swapping
    would change the candidates themselves).
    """
    candidates, examples, profiles, _ = case
    shown = {m.notice_id for m in candidates}
    outside = [e for e in examples if e.notice_id not in shown]
    swapped = [Example(e.notice_id, not e.positive, "relevant") for e in outside]
    if not (any(e.positive for e in outside) and any(not e.positive for e in outside)):
        return
    every = len(candidates)
    forward = _moves(rerank(candidates, outside, profiles, limit=every))
    backward = _moves(rerank(candidates, swapped, profiles, limit=every))
    assert forward.keys() == backward.keys()
    for notice_id, move in forward.items():
        assert math.isclose(backward[notice_id], -move, rel_tol=1e-6, abs_tol=1e-6)


@given(st.integers(min_value=0, max_value=30), st.integers(min_value=0, max_value=30))
def test_balance_is_one_for_even_feedback_and_zero_for_one_kind(
    positives: int, negatives: int
) -> None:
    examples = [Example(f"p:{i}", True, "relevant") for i in range(positives)] + [
        Example(f"n:{i}", False, "not_relevant") for i in range(negatives)
    ]
    value = balance(examples)
    assert 0.0 <= value <= 1.0
    assert value == balance([Example(e.notice_id, not e.positive, "relevant") for e in examples])
    assert (value == 1.0) == (positives == negatives > 0)
    assert (value == 0.0) == (positives == 0 or negatives == 0)


def test_one_refusal_among_many_relevant_moves_less_than_balanced_feedback() -> None:
    """The same refusal, with nine relevant notices or with one: the first moves a fifth as much."""
    liked, refused = _terms(1.0, 0.0), _terms(0.0, 1.0)
    profiles = {
        f"c:{i}": NoticeProfile(f"c:{i}", "", _terms(math.cos(a), math.sin(a)))
        for i, a in enumerate(np.linspace(0.0, math.pi / 2, 6))
    }
    profiles.update({f"p:{i}": NoticeProfile(f"p:{i}", "", liked) for i in range(9)})
    profiles["n:0"] = NoticeProfile("n:0", "", refused)
    candidates = [_match(f"c:{i}", 6.0 - i) for i in range(6)]
    refusal = [Example("n:0", False, "not_relevant")]
    many = [Example(f"p:{i}", True, "relevant") for i in range(9)] + refusal
    even = [Example("p:0", True, "relevant")] + refusal
    lopsided = _moves(rerank(candidates, many, profiles, limit=6))
    balanced = _moves(rerank(candidates, even, profiles, limit=6))
    assert max(abs(move) for move in balanced.values()) > 0
    for notice_id, move in balanced.items():
        assert math.isclose(lopsided[notice_id], move * 0.2, abs_tol=1e-9)
