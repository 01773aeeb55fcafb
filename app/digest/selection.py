"""The notices new for many members, scored in one batch with the served engine's contexts.

A digest only asks "which of tonight's notices fit this member?". Scoring a member
against every stored notice (what ``GET /api/members/{id}/matches`` does) would
repeat, per member, the candidate search over the whole catalog. Instead the new
notices are split and embedded once into one :class:`NoticeBatch`, and every member
is scored on that batch with their own context (CPV profile and signal scales of
the whole catalog, as the engine computes and caches it), through the public
``rank_notices``: a new notice gets exactly the score the member's match list gives
it, and every new notice above the threshold is found, not only those in a top N.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from app.matching.batch import NoticeBatch, build_batch
from app.matching.caches import KnownVectors
from app.matching.engine import MatchingEngine
from app.matching.scoring import Match, rank_notices, score_targets
from app.search.embedder import Embedder
from app.search.index import LABEL, REQUIREMENT, SearchFilter, VectorIndex
from app.search.units import RequirementPassage, notice_passages, text_for_embedding
from models.member import Member
from models.notice import Notice

SCROLL_CHUNK = 500


@dataclass(frozen=True)
class StoredNotice:
    """A notice as stored (its document keeps fields the model may not know, e.g. value)."""

    notice: Notice
    document: dict[str, Any]


@dataclass(frozen=True)
class Candidate(StoredNotice):
    """A notice that may be new to someone, and when it was first stored."""

    stored_at: datetime


def indexed_encoder(index: VectorIndex, embedder: Embedder, notices: Sequence[Notice]) -> Embedder:
    """The vectors the indexer stored for these notices' passages; the model only for the rest.

    A night's notices are already embedded by the time ``digest send`` runs (``ingest``
    indexes them); reading their vectors back costs milliseconds where embedding them
    again would cost the model's time.
    """
    known: dict[str, np.ndarray] = {}
    ids = [notice.id for notice in notices]
    codes = sorted({p.code for n in notices for p in notice_passages(n) if p.code is not None})
    queries = [
        (REQUIREMENT, SearchFilter(notice_ids=ids[i : i + SCROLL_CHUNK]))
        for i in range(0, len(ids), SCROLL_CHUNK)
    ]
    queries += [
        (LABEL, SearchFilter(codes=codes[i : i + SCROLL_CHUNK]))
        for i in range(0, len(codes), SCROLL_CHUNK)
    ]
    for collection, search in queries:
        for point in index.scroll(collection, filter=search, with_vectors=True):
            known[text_for_embedding(str(point.payload["text"]))] = point.vector
    return KnownVectors(known, embedder)


@dataclass(frozen=True)
class _Window:
    """The candidates stored after one date, split and embedded into one batch."""

    since: float | None
    batch: NoticeBatch
    split: list[list[RequirementPassage]]


class DigestMatcher:
    """Scores one set of candidate notices for as many members as asked.

    Every member's scores over their window (the candidates stored since their last
    digest) come from one :func:`score_targets` (array operations over the batch);
    reasons, filters and the ranking cost a Python loop per target, so
    :func:`rank_notices` is asked only about the few notices that can reach the
    member's threshold, in a batch of just those (split and vectors kept from the
    window's batch). Each target's signals depend on that target alone (its
    passages, its BM25 row in the catalog, its codes against the member's profile),
    so the smaller batch gives the same scores.

    A window's batch is built when a member first asks for it and kept until a member
    asks for another: recipients told since the same date (every daily member after
    last night's run) share one, and a weekly group's week of notices is not scored
    for members who only need last night's. Ask in order of ``since`` to build each
    window once.
    """

    def __init__(
        self, engine: MatchingEngine, candidates: Sequence[Candidate], encoder: Embedder
    ) -> None:
        self.engine = engine
        """The matching engine whose catalog, contexts and scoring the digest shares."""
        self._encoder = encoder
        self.candidates = {c.notice.id: c for c in candidates}
        self._ordered = list(candidates)
        self._window: _Window | None = None

    def _batch_since(self, since: datetime | None) -> _Window | None:
        """The window of candidates stored after ``since`` (all of them for None)."""
        key = since.timestamp() if since is not None else None
        window = self._window
        if window is not None and window.since == key:
            return window
        chosen = [c for c in self._ordered if key is None or c.stored_at.timestamp() > key]
        if not chosen:
            return None
        split = [notice_passages(c.notice) for c in chosen]
        batch = build_batch([c.notice for c in chosen], self._encoder, split=split)
        self._window = _Window(key, batch, split)
        return self._window

    def matches(
        self,
        member: Member,
        *,
        now: datetime,
        threshold: float,
        since: datetime | None = None,
        per_lot: bool = False,
    ) -> list[Match]:
        """The member's candidates stored after ``since`` scoring ``threshold`` or more, best first.

        ``per_lot`` keeps every lot that fits (the group digest's "who fits which lot").
        """
        window = self._batch_since(since)
        if window is None:
            return []
        batch = window.batch
        engine, weights = self.engine, self.engine.weights
        evidence, context = engine.evidence(member), engine.context(member)
        lexical = engine.catalog().lexical
        score = score_targets(evidence, batch, lexical, weights, context).score
        reaching = np.unique(batch.target_notice[score >= threshold])
        if not reaching.size:
            return []
        chosen = [int(n) for n in reaching]
        fits = build_batch(
            [batch.notices[n] for n in chosen],
            self._encoder,
            split=[window.split[n] for n in chosen],
        )
        ranked = rank_notices(
            evidence, fits, lexical, weights, context=context, now=now, per_lot=per_lot
        )
        return [match for match in ranked if match.score >= threshold]
