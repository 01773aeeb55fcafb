"""Re-rank a member's matches by what they said of other notices (pure).

The engine ranks notices by the member's declared expertise; feedback adds what
the member said of notices they saw: explicit verdicts, and declared intentions.
A Rocchio-style adjustment on the score scale:

- **similarity** of two notices: cosine of their passage centroids (the mean of
  the vectors the index holds for their title and description passages), mixed
  with the overlap of their CPV codes (same division, group, class, category);
- **kernel**: a candidate's similarity to the positive examples is the mean of its
  ``neighbours`` best similarities to them (a member with two trades keeps both: a
  centroid of all positives would sit between them); the same for the negatives;
- **contrast**, when the member gave both kinds: the candidates' similarity to
  the positives minus their similarity to the negatives, standardised over the
  candidates, moves each by ``contrast`` standard deviations of their engine
  scores per standard deviation of contrast. Only the contrast carries what the
  engine does not know: the positives alone mostly restate the engine's own top
  (measured on the devset, adding them alone loses judged nDCG@10), so positives
  alone change nothing but the reasons of the notices marked;
- **negatives only**: a candidate moves down by ``negative_only`` standard
  deviations per unit of cosine it is closer to the negatives than the average
  candidate (unstandardised: with no positive to contrast with, a small spread of
  similarity is no evidence).

A notice the member marked not relevant or declined is never proposed again.
An example that is itself a candidate is compared with the other examples only.
The caller passes more candidates than it shows (``limit``), so that feedback can
bring up notices from just below the top. ``scripts/eval_feedback.py`` measures it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

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
class NoticeProfile:
    """What notices are compared by: title (for reasons), passage centroid, CPV codes."""

    notice_id: str
    title: str
    vector: np.ndarray | None
    codes: tuple[str, ...]


@dataclass(frozen=True)
class FeedbackWeights:
    """Weights of the adjustment, in standard deviations of the candidates' engine scores.

    ``dense_share`` and ``neighbours`` were set before measuring; ``contrast`` and
    ``negative_only`` are the safest of a small grid of ``scripts/eval_feedback.py``
    (judged grades of each devset member's first 10 notices as feedback, judged
    nDCG@10 of the next 10; the README gives the figures of the grid).
    """

    contrast: float = 0.5
    negative_only: float = 1.0
    dense_share: float = 0.7
    neighbours: int = 2
    explain_from: float = 0.5
    """A reason names an example when its term moves the candidate this much or more."""


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


def _sharing(left: list[set[str]], right: list[set[str]]) -> np.ndarray:
    """(left, right): True where the two notices have a prefix in common.

    Integer incidence counts, not float32: the float32 product goes through BLAS, whose
    kernels raised a spurious "invalid value" flag on some small shapes (a flaky
    RuntimeWarning, an error under the tests' warning filter); integers are exact.
    """
    vocabulary = {p: i for i, p in enumerate(sorted(set().union(*left, *right)))}
    out = []
    for sets in (left, right):
        incidence = np.zeros((len(sets), len(vocabulary)), dtype=np.int32)
        for i, prefixes in enumerate(sets):
            incidence[i, [vocabulary[p] for p in prefixes]] = 1
        out.append(incidence)
    return np.asarray(out[0] @ out[1].T > 0)


def cpv_similarities(rows: Sequence[Sequence[str]], columns: Sequence[Sequence[str]]) -> np.ndarray:
    """(rows, columns) overlap of CPV codes: 0.4 same division … 1.0 same category.

    Main codes against main codes count whole; a pair involving a secondary code
    counts half: buyers' secondary codes are often generic. Computed level by
    level as products of prefix incidence matrices (a member's feedback may name
    hundreds of notices).
    """
    out = np.zeros((len(rows), len(columns)))
    if not rows or not columns:
        return out
    for digits in (2, 3, 4, 5):
        for main_only, weight in ((True, 1.0), (False, 0.5)):
            left, right = (
                [{code[:digits] for code in (codes[:1] if main_only else codes)} for codes in side]
                for side in (rows, columns)
            )
            out = np.maximum(out, digits / 5 * weight * _sharing(left, right))
    return out


def similarities(
    rows: Sequence[NoticeProfile], columns: Sequence[NoticeProfile], dense_share: float
) -> np.ndarray:
    """(rows, columns) notice similarity: cosine of centroids mixed with CPV overlap."""
    out = np.zeros((len(rows), len(columns)), dtype=np.float64)
    if not rows or not columns:
        return out
    dimension = next((p.vector.shape[0] for p in (*rows, *columns) if p.vector is not None), 0)
    if dimension:
        left = np.vstack([_unit(p.vector, dimension) for p in rows])
        right = np.vstack([_unit(p.vector, dimension) for p in columns])
        out += dense_share * (left @ right.T)
    cpv = cpv_similarities([r.codes for r in rows], [c.codes for c in columns])
    return out + (1.0 - dense_share) * cpv


def _unit(vector: np.ndarray | None, dimension: int) -> np.ndarray:
    if vector is None:
        return np.zeros(dimension)
    norm = float(np.linalg.norm(vector))
    return np.asarray(vector, dtype=np.float64) / norm if norm > 0 else np.zeros(dimension)


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
    rows = [profiles.get(m.notice_id) or NoticeProfile(m.notice_id, "", None, ()) for m in kept]
    sims_pos = _compared(kept, rows, positives, profiles, weights.dense_share)
    sims_neg = _compared(kept, rows, negatives, profiles, weights.dense_share)
    near_neg = _kernel(sims_neg, weights.neighbours)
    if positives:
        near_pos = _kernel(sims_pos, weights.neighbours)
        term = weights.contrast * _standardised(near_pos - near_neg)
    else:
        term = -weights.negative_only * (near_neg - near_neg.mean())
    term = np.where([m.notice_id in profiles for m in kept], term, 0.0)
    scores = np.array([m.score for m in kept], dtype=np.float64)
    spread = float(scores.std()) if float(scores.std()) > 1e-9 else 1.0
    final = scores + spread * term
    ranked = []
    for i, m in enumerate(kept):
        reasons = list(_marked(m, causes, profiles))
        reason = _reason(
            positives, sims_pos[i], negatives, sims_neg[i], float(term[i]), profiles, weights
        )
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
    dense_share: float,
) -> np.ndarray:
    """(candidates, examples) similarity; NaN where a candidate is the example itself."""
    sims = similarities(rows, [profiles[e.notice_id] for e in group], dense_share)
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
    weights: FeedbackWeights,
) -> FeedbackReason | None:
    """The example that explains a move worth naming.

    Up: the nearest positive (or, with negatives only, the farthest negative);
    down: the nearest negative.
    """
    effect: Effect
    if term >= weights.explain_from and positives and not np.isnan(sims_pos).all():
        group, sims, effect = positives, sims_pos, "like"
        j = int(np.argmax(np.where(np.isnan(sims), -np.inf, sims)))
    elif term >= weights.explain_from and not positives and not np.isnan(sims_neg).all():
        group, sims, effect = negatives, sims_neg, "unlike_rejected"
        j = int(np.argmin(np.where(np.isnan(sims), np.inf, sims)))
    elif term <= -weights.explain_from and not np.isnan(sims_neg).all():
        group, sims, effect = negatives, sims_neg, "near_rejected"
        j = int(np.argmax(np.where(np.isnan(sims), -np.inf, sims)))
    else:
        return None
    example = group[j]
    title = profiles[example.notice_id].title
    return FeedbackReason(effect, example.notice_id, title, example.cause, float(sims[j]), term)
