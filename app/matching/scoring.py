"""Hybrid scoring of notices and lots for one member, with the reasons of each match.

Three signals per target (a whole notice, or one of its lots):

- **dense**: cosine between every requirement passage and every expertise unit;
  each unit keeps its best passage, and the score is the mean of the
  ``dense_top_units`` best units (a notice must meet more than one thing the
  member does, but not everything they do);
- **lexical**: BM25 of the member's whole expertise text over the target's text
  and CPV labels (:mod:`app.matching.lexical`);
- **cpv**: overlap of the target's CPV codes with the member's CPV profile
  (:mod:`app.matching.cpv_inference`), inferred from the CPV labels and from the
  notices that match the member best on dense + lexical alone.

The text signals are standardised per member (z-score over the member's whole
pool of notices: raw scales differ between members, BM25 grows with text length);
the CPV overlap is added as a bounded bonus, and only codes the member's own words
support (:func:`supported_evidence`), of what the member sells (no codes of goods
for a member who sells none, no codes of works for one who declared none:
:func:`~app.matching.sells.sold_codes`), enter the profile. A notice gives one match:
its best target (its best lot when it has lots), among the targets that pass the
hard filters (deadline, region, nature, and what the member sells:
:mod:`app.matching.filters`).

Wiring: build the :class:`~app.matching.batch.NoticeBatch` and the BM25 index
over every stored notice (closed ones too) once per index version; compute a
member's :class:`MemberContext` over it once per member and index version. Then
``match member`` is ``rank_notices(member, pool_batch, index, context=...)``
and ``match notice`` is, for each member, ``rank_notices(member,
one_notice_batch, index, context=..., per_lot=True)``: the context carries the
pool's scales, so scores agree with the member's own list.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np

from app.matching.batch import MemberEvidence, NoticeBatch
from app.matching.cpv_inference import (
    CpvLabelIndex,
    CpvOverlap,
    CpvProfile,
    Evidence,
    infer_profile,
    notice_evidence,
)
from app.matching.filters import AppliedFilter, ValueRange, apply_filters, passes
from app.matching.lexical import BM25Index, Query
from app.matching.sells import proposed_natures, sold_codes
from app.search.units import ExpertiseUnit, RequirementPassage
from models.notice import Nature
from models.vocabulary.cpv import cpv_labels


@dataclass(frozen=True)
class ScoringWeights:
    """Fusion weights and knobs; the defaults are the output of ``scripts/tune_matching.py``.

    Tuned on ``data/devset`` (12 members, 2,555 notices) against the assessors'
    judgments (``judged.json``); figures in the README and ``scripts/eval_matching.py``.

    - ``dense``, ``lexical``: weights of the standardised text signals (dense is held
      at 1: only ratios matter).
    - ``cpv``: weight of the CPV overlap, a bounded bonus (not standardised): it orders
      notices the words find comparable, it does not outrank the words.
    - ``dense_top_units``: the dense score is the mean of this many best unit maxima.
    - ``cpv_depth_weights``: weight of an overlap at depth 2, 3, 4 and 5 (division,
      group, class, category); overlaps are summed over depths, so a notice in the
      member's class scores at 2, 3 and 4. This and ``dense_top_units`` are held at
      their neutral values by the tuner: searched, they only moved in cross-validation
      folds, to the held-out member's cost.
    - ``secondary_code_weight``: a notice's codes after its main one count this much.
    - ``feedback_notices``: how many best text matches lend their main CPV code to
      the member's profile (0: labels only).
    - ``label_share``: share of label evidence in the profile when notice evidence
      exists (with a label index: ``labels`` of :func:`member_context`). Held at 0,
      and the served engine holds no label index: a member or query whose best notices
      lend no code their words support gets no CPV profile. Guessed from the labels
      instead, "maîtrise d'oeuvre école" got the codes of works of art ("œuvre"), and
      its judged nDCG@10 fell from 0.87 to 0.00; the tuner and the evaluation score
      without labels too, so that tuned and served numbers are the same.
    - ``label_codes_per_unit``, ``label_lexical_share``: how many codes each unit
      takes from the CPV labels, and the weight of BM25 next to the cosine there.
    - ``label_support``: the cosine the label of a feedback code must reach with one
      of the member's units to enter the profile (0: no check). A rule, not a tuned
      weight, held by the tuner: it holds the profile to the member's own words (it
      cost 0.006 of judged nDCG@10 on the devset at 0.2, 0.045 at 0.3).
    - ``feedback_labels``: whether the cosine that picks the notices lending their codes
      reads the notices' CPV label passages too. False reads only what the buyers wrote:
      a two-word query often is a label's words, so with labels its best notices are
      those carrying the label that echoes it ("website development" and the housing
      notices coded "Site-development work"), and their codes then ranked the rest.
    - ``equivalent_weight``: the weight, relative to a word's own, of its equivalents in
      the other language in BM25 (:mod:`app.matching.equivalents`). 0 for members: their
      statements are long enough for the encoder to carry them across languages, and
      equivalents measured 0.815 against 0.817 (m-social −0.05); free-text search sets
      it for its short queries.
    """

    dense: float = 1.0
    lexical: float = 0.75
    cpv: float = 2.0
    dense_top_units: int = 2
    cpv_depth_weights: tuple[float, float, float, float] = (1.0, 1.0, 1.0, 1.0)
    secondary_code_weight: float = 0.5
    feedback_notices: int = 5
    label_share: float = 0.0
    label_codes_per_unit: int = 5
    label_lexical_share: float = 0.5
    label_support: float = 0.2
    feedback_labels: bool = True
    equivalent_weight: float = 0.0


@dataclass(frozen=True)
class PassageMatch:
    """A requirement passage of the notice and the expertise unit it matched best."""

    passage: RequirementPassage
    unit: ExpertiseUnit
    score: float


@dataclass(frozen=True)
class MatchReason:
    """Why a target matched: passage pairs, CPV overlaps, lexical terms, filters, signals."""

    passages: tuple[PassageMatch, ...]
    cpv: tuple[CpvOverlap, ...]
    lexical_terms: tuple[str, ...]
    filters: tuple[AppliedFilter, ...]
    signals: tuple[tuple[str, float], ...]

    def as_json(self) -> list[dict[str, Any]]:
        """The reasons as a JSON list (the ``reasons`` field of the match contract)."""
        labels = cpv_labels()
        out: list[dict[str, Any]] = [
            {
                "type": "passage",
                "passage": p.passage.text,
                "passage_kind": p.passage.kind,
                "cpv_code": p.passage.code,
                "lot": p.passage.lot,
                "expertise": p.unit.text,
                "expertise_kind": p.unit.kind,
                "score": round(p.score, 4),
            }
            for p in self.passages
        ]
        for c in self.cpv:
            member_label, notice_label = labels.get(c.member_code), labels.get(c.notice_code)
            out.append(
                {
                    "type": "cpv",
                    "member_code": c.member_code,
                    "member_label": member_label.fr if member_label else None,
                    "notice_code": c.notice_code,
                    "notice_label": notice_label.fr if notice_label else None,
                    "depth": c.depth,
                    "confidence": round(c.confidence, 4),
                }
            )
        if self.lexical_terms:
            out.append({"type": "lexical", "terms": list(self.lexical_terms)})
        out.extend(
            {"type": "filter", "name": f.name, "passed": f.passed, "detail": f.detail}
            for f in self.filters
        )
        out.append({"type": "signals", **{k: round(v, 4) for k, v in self.signals}})
        return out


@dataclass(frozen=True)
class Match:
    """One scored target: a notice (``lot`` None) or one of its lots.

    ``score`` is the weighted sum of the member's standardised signals: 0 is an
    average notice for that member, higher is better; comparable across one
    member's matches, and across members only roughly.
    """

    notice_id: str
    lot: str | None
    score: float
    reasons: MatchReason


def dense_scores(
    batch: NoticeBatch, member: MemberEvidence, top_units: int, *, labels: bool = True
) -> np.ndarray:
    """Dense signal of every target: mean of the ``top_units`` best unit maxima.

    ``labels`` False leaves the CPV label passages out: what the buyers wrote, alone.
    """
    best = unit_maxima(batch, member, labels=labels)
    if best.shape[1] == 0:
        return np.zeros(len(batch.targets), dtype=np.float32)
    k = max(1, min(top_units, best.shape[1]))
    return np.asarray(-np.sort(-best, axis=1)[:, :k].mean(axis=1), dtype=np.float32)


def unit_maxima(batch: NoticeBatch, member: MemberEvidence, *, labels: bool = True) -> np.ndarray:
    """(targets, units): each unit's best cosine over each target's passages."""
    if not len(batch.passages) or not len(member.units):
        return np.full((len(batch.targets), len(member.units)), -1.0, dtype=np.float32)
    sims = batch.unique_vectors @ member.vectors.T
    if not labels:
        sims[batch.label_rows] = -1.0
    return batch.target_maxima(sims)


def lexical_scores(batch: NoticeBatch, index: BM25Index, query: Query) -> np.ndarray:
    """BM25 of ``query`` for every target (0 for a target the index does not hold)."""
    scores = index.scores(query)
    positions = batch.lexical_positions(index)
    if positions is None:
        return scores
    if not len(scores):
        return np.zeros(len(positions), dtype=np.float32)
    return np.where(positions >= 0, scores[positions], np.float32(0.0)).astype(np.float32)


def cpv_scores(
    batch: NoticeBatch,
    profile: CpvProfile,
    depth_weights: tuple[float, ...],
    secondary: float = 1.0,
) -> np.ndarray:
    """CPV overlap of every target's codes with the member's profile."""
    return batch.cpv_nodes.scores(profile, depth_weights, secondary)


def pool_stats(values: np.ndarray, pool: np.ndarray) -> tuple[float, float]:
    """Mean and standard deviation of a signal over the pool (whole notices)."""
    sample = values[pool] if pool.any() else values
    std = float(sample.std()) if sample.size else 0.0
    return (float(sample.mean()) if sample.size else 0.0, std if std > 1e-9 else 1.0)


def standardised(values: np.ndarray, stats: tuple[float, float]) -> np.ndarray:
    """``values`` as z-scores on the member's scale (``stats``: mean and deviation)."""
    return (values - stats[0]) / stats[1]


def text_scores(
    dense: np.ndarray,
    lex: np.ndarray,
    stats: tuple[tuple[float, float], tuple[float, float]],
    weights: ScoringWeights,
) -> np.ndarray:
    """Dense and lexical signals standardised and weighted: what the words alone say."""
    return weights.dense * standardised(dense, stats[0]) + weights.lexical * standardised(
        lex, stats[1]
    )


def ranked_codes(batch: NoticeBatch, score: np.ndarray) -> list[tuple[str, ...]]:
    """Codes of whole-notice targets, best first (ties by notice id)."""
    whole = [t for t, (_, lot) in enumerate(batch.targets) if lot is None]
    ids = [batch.notices[batch.targets[t][0]].id for t in whole]
    order = sorted(range(len(whole)), key=lambda i: (-float(score[whole[i]]), ids[i]))
    return [batch.target_codes[whole[i]] for i in order]


def supported_evidence(
    evidence: Evidence, batch: NoticeBatch, member: MemberEvidence, min_cosine: float
) -> list[tuple[str, float]]:
    """The evidence codes the member's own words support: no drift into neighbours' codes.

    A code is supported when the label of the code (French or English, as the batch
    holds it among the notice's passages) is within ``min_cosine`` of one of the
    member's expertise units. Feedback from a member's first hits otherwise brings in
    whatever codes those notices carry (a web developer's first hits are software
    notices, and with them the maintenance of named vendors' packages).
    """
    if min_cosine <= 0 or not len(member.units):
        return list(evidence)
    rows: dict[str, list[int]] = {}
    for row, passage in enumerate(batch.passages):
        if passage.code is not None:
            rows.setdefault(passage.code, []).append(row)
    kept = []
    for code, weight in evidence:
        found = rows.get(code)
        if found and float((batch.vectors_of(found) @ member.vectors.T).max()) >= min_cosine:
            kept.append((code, weight))
    return kept


@dataclass(frozen=True)
class MemberContext:
    """What scoring one member needs from the whole pool: CPV profile and text scales."""

    profile: CpvProfile
    stats: tuple[tuple[float, float], tuple[float, float]]
    """Mean and deviation of the dense and the lexical signal over the pool."""


def member_context(
    member: MemberEvidence,
    batch: NoticeBatch,
    lexical: BM25Index,
    weights: ScoringWeights,
    *,
    sample: NoticeBatch | None = None,
    labels: CpvLabelIndex | None = None,
    dense: np.ndarray | None = None,
    lex: np.ndarray | None = None,
    label_evidence: Evidence | None = None,
) -> MemberContext:
    """Infer the member's CPV profile and the text signals' scales.

    ``sample`` (default ``batch``) is the pool the scales come from: every notice the
    index holds, closed ones included, or an even sample of them; ``batch`` holds the
    notices whose best text matches lend their codes to the profile (the whole pool,
    or the candidates that the member's words find in it). It is evidence of what
    buyers call the member's trade, not a list of matches. ``dense``, ``lex`` (over
    ``batch``) and ``label_evidence`` may be passed when already computed.
    """
    if lex is None:
        lex = lexical_scores(batch, lexical, member.lexical_query)
    if sample is None or sample is batch:
        if dense is None:
            dense = dense_scores(batch, member, weights.dense_top_units)
        stats = (pool_stats(dense, batch.pool), pool_stats(lex, batch.pool))
    else:
        stats = (
            pool_stats(dense_scores(sample, member, weights.dense_top_units), sample.pool),
            pool_stats(lexical_scores(sample, lexical, member.lexical_query), sample.pool),
        )
    # The notices lending their codes are picked by what their buyers wrote when the
    # labels are left out (the scales stay those of the whole signal).
    picking = dense
    if picking is None or not weights.feedback_labels:
        picking = dense_scores(
            batch, member, weights.dense_top_units, labels=weights.feedback_labels
        )
    first = text_scores(picking, lex, stats, weights)
    sells = proposed_natures(member.member)
    from_notices = sold_codes(
        supported_evidence(
            notice_evidence(ranked_codes(batch, first), top=weights.feedback_notices),
            batch,
            member,
            weights.label_support,
        ),
        sells,
    )
    if label_evidence is None:
        # Labels weigh nothing next to notice evidence when label_share is 0.
        needed = weights.label_share > 0 or not from_notices
        label_evidence = member_label_evidence(member, labels, weights, batch) if needed else []
    profile = infer_profile(
        labels=sold_codes(label_evidence, sells),
        notices=from_notices,
        declared=member.member.cpv,
        label_share=weights.label_share,
    )
    return MemberContext(profile, stats)


def member_label_evidence(
    member: MemberEvidence,
    labels: CpvLabelIndex | None,
    weights: ScoringWeights,
    batch: NoticeBatch | None = None,
) -> list[tuple[str, float]]:
    """The member's units against the CPV labels (none without a label index).

    With ``batch``, only codes its notices use (or their ancestors) are candidates.
    """
    if labels is None:
        return []
    return labels.evidence(
        [u.text for u in member.units],
        member.vectors,
        per_unit=weights.label_codes_per_unit,
        lexical_share=weights.label_lexical_share,
        allowed=batch.cpv_nodes.known if batch is not None else None,
    )


@dataclass(frozen=True)
class TargetScores:
    """Every target's signals, and the score with each signal's part of it."""

    score: np.ndarray
    dense: np.ndarray
    lexical: np.ndarray
    cpv: np.ndarray
    parts: tuple[np.ndarray, np.ndarray, np.ndarray]


def score_targets(
    member: MemberEvidence,
    batch: NoticeBatch,
    lexical: BM25Index,
    weights: ScoringWeights,
    context: MemberContext,
    *,
    dense: np.ndarray | None = None,
    lex: np.ndarray | None = None,
) -> TargetScores:
    """The hybrid score of every target of ``batch``: text standardised, CPV as a bonus.

    The CPV overlap is added as it is (at most the sum of ``cpv_depth_weights``, times
    ``cpv``), not standardised: most notices share no code with a member, so as a
    z-score a notice in the member's class scored some 25 deviations above the rest,
    and the codes decided the ranking whatever the words said. As a bounded bonus the
    codes order notices the words find comparable.
    """
    if dense is None:
        dense = dense_scores(batch, member, weights.dense_top_units)
    if lex is None:
        lex = lexical_scores(batch, lexical, member.lexical_query)
    cpv = cpv_scores(
        batch, context.profile, weights.cpv_depth_weights, weights.secondary_code_weight
    )
    parts = (
        weights.dense * standardised(dense, context.stats[0]),
        weights.lexical * standardised(lex, context.stats[1]),
        weights.cpv * cpv,
    )
    return TargetScores(parts[0] + parts[1] + parts[2], dense, lex, cpv, parts)


def target_filters(
    batch: NoticeBatch,
    member: MemberEvidence,
    *,
    include_closed: bool,
    now: datetime,
    natures: Collection[Nature] | None = None,
    value_range: ValueRange | None = None,
) -> list[tuple[AppliedFilter, ...]]:
    """The hard filters of every target of ``batch`` for the member (see ``filters``)."""
    sells = proposed_natures(member.member)
    return [
        apply_filters(
            batch.notices[n],
            lot=lot,
            regions=member.member.regions,
            include_closed=include_closed,
            now=now,
            natures=natures,
            value_range=value_range,
            sells=sells,
        )
        for n, lot in batch.targets
    ]


def _passage_pairs(
    batch: NoticeBatch, member: MemberEvidence, target: int, count: int = 3
) -> tuple[PassageMatch, ...]:
    rows = batch.target_passages(target)
    if rows.size == 0 or not member.units:
        return ()
    sims = batch.vectors_of(rows) @ member.vectors.T
    pairs = []
    for unit in range(sims.shape[1]):
        best = int(np.argmax(sims[:, unit]))
        passage = batch.passages[int(rows[best])]
        pairs.append(PassageMatch(passage, member.units[unit], float(sims[best, unit])))
    pairs.sort(key=lambda p: -p.score)
    return tuple(pairs[:count])


def rank_notices(
    member: MemberEvidence,
    batch: NoticeBatch,
    lexical: BM25Index,
    weights: ScoringWeights | None = None,
    *,
    labels: CpvLabelIndex | None = None,
    context: MemberContext | None = None,
    include_closed: bool = False,
    now: datetime | None = None,
    natures: Collection[Nature] | None = None,
    limit: int | None = None,
    per_lot: bool = False,
    value_range: ValueRange | None = None,
) -> list[Match]:
    """The member's matches in ``batch``, best first, reasons included.

    One match per notice unless ``per_lot``, which keeps every target that passes
    the filters. A notice with lots is awarded lot by lot, so its match is its best
    lot (read with the notice's title and description), named in ``Match.lot``: a
    painting lot of a 17-lot building works notice is what a painter can bid for,
    not the notice's sum of trades. A notice without lots is matched as a whole.
    ``context`` defaults to :func:`member_context` over ``batch`` itself.
    """
    weights = weights or ScoringWeights()
    now = now or datetime.now(UTC)
    dense = dense_scores(batch, member, weights.dense_top_units)
    lex = lexical_scores(batch, lexical, member.lexical_query)
    if context is None:
        context = member_context(
            member, batch, lexical, weights, labels=labels, dense=dense, lex=lex
        )
    scores = score_targets(member, batch, lexical, weights, context, dense=dense, lex=lex)
    score, parts, cpv = scores.score, scores.parts, scores.cpv
    filters_of = target_filters(
        batch,
        member,
        include_closed=include_closed,
        now=now,
        natures=natures,
        value_range=value_range,
    )
    keys = batch.target_keys
    kept: dict[str, tuple[float, int, tuple[AppliedFilter, ...]]] = {}
    for target, (n, lot) in enumerate(batch.targets):
        filters = filters_of[target]
        if not passes(filters) or (lot is None and batch.notices[n].lots and not per_lot):
            continue
        key = f"{batch.notices[n].id}\x00{lot}" if per_lot else batch.notices[n].id
        if key not in kept or float(score[target]) > kept[key][0]:
            kept[key] = (float(score[target]), target, filters)
    order = sorted(kept.values(), key=lambda v: (-v[0], keys[v[1]]))
    matches = []
    for value, target, filters in order[:limit]:
        n, lot = batch.targets[target]
        reasons = MatchReason(
            passages=_passage_pairs(batch, member, target),
            cpv=tuple(
                context.profile.overlap(
                    batch.target_codes[target],
                    weights.cpv_depth_weights,
                    weights.secondary_code_weight,
                )[1]
            ),
            lexical_terms=tuple(lexical.matched_terms(member.lexical_query, keys[target])[:8])
            if keys[target] in lexical
            else (),
            filters=filters,
            signals=(
                ("dense", float(dense[target])),
                ("lexical", float(lex[target])),
                ("cpv", float(cpv[target])),
                ("dense_part", float(parts[0][target])),
                ("lexical_part", float(parts[1][target])),
                ("cpv_part", float(parts[2][target])),
            ),
        )
        matches.append(Match(batch.notices[n].id, lot, value, reasons))
    return matches
