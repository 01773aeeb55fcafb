"""Re-rank a member's matches by what they said of other notices (pure).

The engine ranks notices by the member's declared expertise; feedback adds what
the member said of notices they saw: explicit verdicts, and declared intentions.
A Rocchio-style adjustment on the score scale:

- **similarity** of two notices: cosine of their own words' tf·idf vectors
  (:mod:`app.feedback.profiles`: a refusal is about a subject, which words name
  more precisely than the sentence encoder; the cosine of the notices' passage
  centroids gained 0.03 less on the devset). CPV overlap is left out: mixed in
  (30 %) with the centroids' cosine, weights chosen leave-one-member-out gained a
  fraction of what the cosine alone gained (buyers' codes are coarse, and the
  engine already ranks by them);
- **kernel**: a candidate's similarity to the positive examples is the mean of its
  ``neighbours`` best similarities to them (a member with two trades keeps both: a
  centroid of all positives would sit between them); the same for the negatives;
- **contrast**, when the member gave both kinds: the candidates' similarity to
  the positives minus their similarity to the negatives, standardised over the
  candidates, moves each by ``contrast`` standard deviations of their engine
  scores per standard deviation of contrast, times the **balance** of the
  examples, ``2·min(positives, negatives) / (positives + negatives)``: 1 when the
  member gave as many of each kind, 0.2 for one refusal among ten. A contrast
  drawn from a single refusal is mostly that one notice's accidents (measured on
  the devset: without the balance, one refusal among nine relevant notices cost a
  member 0.14 judged nDCG@10). Only the contrast carries what the engine does not
  know: the positives alone mostly restate the engine's own top (measured on the
  devset, adding them alone loses judged nDCG@10), so positives alone change
  nothing but the reasons of the notices marked;
- **negatives only**: a candidate moves down by ``negative_only`` standard
  deviations per unit of cosine it is closer to the negatives than the average
  candidate (unstandardised: with no positive to contrast with, a small spread of
  similarity is no evidence).

A notice the member marked not relevant or declined is never proposed again.
An example that is itself a candidate is compared with the other examples only,
and a candidate the member marked relevant (or declared for) never moves down:
their own word about that notice outweighs its likeness to other notices.
The caller passes more candidates than it shows (``limit``), so that feedback can
bring up notices from just below the top. ``scripts/eval_matching.py`` measures it
(section "feedback").
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from app.feedback.profiles import NoticeProfile, similarities
from app.matching.scoring import Match
from app.members.feedback_examples import Example

Effect = Literal["marked", "like", "near_rejected", "unlike_rejected"]

_LIKE = {
    "relevant": (
        "like the notices you marked relevant",
        "comme les avis que vous avez jugés pertinents",
    ),
    "interested": (
        "like the notices you said you are interested in",
        "comme les avis qui vous intéressent",
    ),
    "contributor": (
        "like the notices you offered to contribute to",
        "comme les avis auxquels vous proposez de contribuer",
    ),
    "lead": ("like the notices you offered to lead", "comme les avis que vous proposez de mener"),
}
_NEAR = {
    "not_relevant": (
        "close to notices you marked not for me",
        "proche d'avis que vous avez marqués « pas pour moi »",
    ),
    "declined": ("close to notices you declined", "proche d'avis que vous avez déclinés"),
}
_UNLIKE = {
    "not_relevant": (
        "unlike the notices you marked not for me",
        "à la différence des avis que vous avez marqués « pas pour moi »",
    ),
    "declined": (
        "unlike the notices you declined",
        "à la différence des avis que vous avez déclinés",
    ),
}
_MARKED = {
    "relevant": ("you marked this notice relevant", "vous avez jugé cet avis pertinent"),
    "interested": ("you said you are interested in this notice", "cet avis vous intéresse"),
    "contributor": (
        "you offered to contribute to this notice",
        "vous proposez de contribuer à cet avis",
    ),
    "lead": ("you offered to lead this notice", "vous proposez de mener cet avis"),
}


@dataclass(frozen=True)
class FeedbackWeights:
    """Weights of the adjustment, in standard deviations of the candidates' engine scores.

    ``contrast`` is the unit (one standard deviation of engine score per standard
    deviation of contrast, when the examples are balanced), not a fitted value;
    ``neighbours`` is the best of 1–3 on the devset, and choosing both
    leave-one-member-out gives nearly the same gain (``scripts/eval_matching.py``,
    section "feedback", prints the neighbouring settings and that figure).
    ``negative_only`` was set before measuring: no devset member refuses
    everything in their first 10.
    """

    contrast: float = 1.0
    negative_only: float = 1.0
    neighbours: int = 3
    explain_from: float = 0.5
    """A reason names an example when its term moves the candidate this much or more, or
    when its move up brought it among the notices shown (it is there because of feedback)."""


@dataclass(frozen=True)
class FeedbackReason:
    """Why feedback moved a candidate, naming the example notice it was compared with."""

    effect: Effect
    example_id: str
    example_title: str
    cause: str
    similarity: float
    adjustment: float

    def sentences(self) -> tuple[str, str]:
        """What the member reads, in English and in French."""
        if self.effect == "marked":
            return _MARKED.get(self.cause, _MARKED["relevant"])
        table = {"like": _LIKE, "near_rejected": _NEAR, "unlike_rejected": _UNLIKE}[self.effect]
        default = "relevant" if self.effect == "like" else "not_relevant"
        en, fr = table.get(self.cause, table[default])
        return f"{en}: “{self.example_title}”", f"{fr} : « {self.example_title} »"

    def as_json(self) -> dict[str, Any]:
        """The reason in the JSON list of a match's reasons."""
        en, fr = self.sentences()
        return {
            "type": "feedback",
            "effect": self.effect,
            "notice_id": self.example_id,
            "title": self.example_title,
            "cause": self.cause,
            "similarity": round(self.similarity, 4),
            "adjustment": round(self.adjustment, 4),
            "detail": en,
            "detail_fr": fr,
        }


@dataclass(frozen=True)
class RankedMatch:
    """A match re-scored with feedback (``match.score``), its engine score and why it moved."""

    match: Match
    engine_score: float
    feedback: tuple[FeedbackReason, ...]


def _standardised(values: np.ndarray) -> np.ndarray:
    std = float(values.std()) if values.size else 0.0
    return (values - values.mean()) / std if std > 1e-9 else np.zeros_like(values)


def _kernel(sims: np.ndarray, neighbours: int) -> np.ndarray:
    """Mean of each row's ``neighbours`` best finite values (NaN marks a self-comparison)."""
    if sims.shape[1] == 0:
        return np.zeros(sims.shape[0])
    filled = np.where(np.isnan(sims), -np.inf, sims)
    k = max(1, min(neighbours, sims.shape[1]))
    best = -np.sort(-filled, axis=1)[:, :k]
    finite = np.isfinite(best)
    counts = finite.sum(axis=1)
    total = np.where(finite, best, 0.0).sum(axis=1)
    return np.where(counts > 0, total / np.maximum(counts, 1), 0.0)


def balance(examples: Sequence[Example]) -> float:
    """How evenly the examples hold both kinds: 1 as many of each, 0 one kind only."""
    positives = sum(1 for example in examples if example.positive)
    negatives = len(examples) - positives
    return 2 * min(positives, negatives) / len(examples) if examples else 0.0


def learns(examples: Sequence[Example]) -> bool:
    """Whether feedback can move a ranking: it needs a refusal (positives alone do not)."""
    return any(not example.positive for example in examples)


def rerank(
    candidates: Sequence[Match],
    examples: Sequence[Example],
    profiles: Mapping[str, NoticeProfile],
    *,
    limit: int,
    weights: FeedbackWeights | None = None,
) -> list[RankedMatch]:
    """The best ``limit`` candidates once feedback is taken into account, best first.

    ``candidates`` are the engine's matches (one per notice, best first);
    ``profiles`` should hold every candidate and example (a candidate without one
    keeps its engine score, an example without one teaches nothing).
    """
    weights = weights or FeedbackWeights()
    rejected = {e.notice_id for e in examples if not e.positive}
    kept = [m for m in candidates if m.notice_id not in rejected]
    known = [e for e in examples if e.notice_id in profiles]
    positives = [e for e in known if e.positive]
    negatives = [e for e in known if not e.positive]
    causes = {e.notice_id: e.cause for e in examples if e.positive}
    if not kept or not learns(known):
        return [RankedMatch(m, m.score, _marked(m, causes, profiles)) for m in kept[:limit]]
    rows = [profiles.get(m.notice_id) or NoticeProfile(m.notice_id, "") for m in kept]
    sims_pos = _compared(kept, rows, positives, profiles)
    sims_neg = _compared(kept, rows, negatives, profiles)
    near_neg = _kernel(sims_neg, weights.neighbours)
    if positives:
        near_pos = _kernel(sims_pos, weights.neighbours)
        term = weights.contrast * balance(known) * _standardised(near_pos - near_neg)
    else:
        term = -weights.negative_only * (near_neg - near_neg.mean())
    term = np.where([m.notice_id in profiles for m in kept], term, 0.0)
    term = np.where([m.notice_id in causes for m in kept], np.maximum(term, 0.0), term)
    scores = np.array([m.score for m in kept], dtype=np.float64)
    spread = float(scores.std()) if float(scores.std()) > 1e-9 else 1.0
    final = scores + spread * term
    engine_shown = {m.notice_id for m in kept[:limit]}
    ranked = []
    for i, m in enumerate(kept):
        reasons = list(_marked(m, causes, profiles))
        move = float(term[i])
        came_up = m.notice_id not in engine_shown and move > 0
        threshold = min(weights.explain_from, move) if came_up else weights.explain_from
        reason = _reason(positives, sims_pos[i], negatives, sims_neg[i], move, profiles, threshold)
        if reason is not None:
            reasons.append(reason)
        ranked.append(
            RankedMatch(dataclasses.replace(m, score=float(final[i])), m.score, tuple(reasons))
        )
    ranked.sort(key=lambda r: (-r.match.score, r.match.notice_id))
    return ranked[:limit]


def _compared(
    kept: Sequence[Match],
    rows: Sequence[NoticeProfile],
    group: Sequence[Example],
    profiles: Mapping[str, NoticeProfile],
) -> np.ndarray:
    """(candidates, examples) similarity; NaN where a candidate is the example itself."""
    sims = similarities(rows, [profiles[e.notice_id] for e in group])
    position = {e.notice_id: j for j, e in enumerate(group)}
    for i, m in enumerate(kept):
        j = position.get(m.notice_id)
        if j is not None:
            sims[i, j] = np.nan
    return sims


def _marked(
    match: Match, causes: Mapping[str, str], profiles: Mapping[str, NoticeProfile]
) -> tuple[FeedbackReason, ...]:
    """The reason of a candidate the member marked relevant (or declared for) themselves."""
    cause = causes.get(match.notice_id)
    if cause is None:
        return ()
    profile = profiles.get(match.notice_id)
    title = profile.title if profile is not None else ""
    return (FeedbackReason("marked", match.notice_id, title, cause, 1.0, 0.0),)


def _reason(
    positives: Sequence[Example],
    sims_pos: np.ndarray,
    negatives: Sequence[Example],
    sims_neg: np.ndarray,
    term: float,
    profiles: Mapping[str, NoticeProfile],
    explain_from: float,
) -> FeedbackReason | None:
    """The example that explains a move of ``explain_from`` or more.

    Up: the nearest positive (or, with negatives only, the farthest negative);
    down: the nearest negative.
    """
    effect: Effect
    if term >= explain_from and positives and not np.isnan(sims_pos).all():
        group, sims, effect = positives, sims_pos, "like"
        j = int(np.argmax(np.where(np.isnan(sims), -np.inf, sims)))
    elif term >= explain_from and not positives and not np.isnan(sims_neg).all():
        group, sims, effect = negatives, sims_neg, "unlike_rejected"
        j = int(np.argmin(np.where(np.isnan(sims), np.inf, sims)))
    elif term <= -explain_from and not np.isnan(sims_neg).all():
        group, sims, effect = negatives, sims_neg, "near_rejected"
        j = int(np.argmax(np.where(np.isnan(sims), -np.inf, sims)))
    else:
        return None
    example = group[j]
    title = profiles[example.notice_id].title
    return FeedbackReason(effect, example.notice_id, title, example.cause, float(sims[j]), term)
