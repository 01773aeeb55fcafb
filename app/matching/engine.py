"""Serving matches: candidates from every signal, then the exact hybrid score.

For one member, candidates are the union of the notices the vector index finds
nearest to each expertise unit, the best BM25 targets and the best CPV targets
over the whole catalog. Only the candidates are then scored exactly by
:func:`app.matching.scoring.rank_notices`, with vectors read back from the
index, so a query costs the same at 2.5k or 100k notices. A member's context
(CPV profile and signal scales) is computed once per catalog version.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.matching.batch import MemberEvidence, NoticeBatch, build_batch, build_member
from app.matching.catalog import Catalog, build_catalog, store_version
from app.matching.cpv_inference import infer_profile, notice_evidence
from app.matching.scoring import (
    Match,
    MemberContext,
    ScoringWeights,
    cpv_scores,
    dense_scores,
    lexical_scores,
    pool_stats,
    rank_notices,
)
from app.matching.units import text_for_embedding
from app.search.embedder import Embedder
from app.search.index import REQUIREMENT, SearchFilter, VectorIndex
from models.member import Member
from models.notice import Nature, Notice
from models.schema import NoticeRow

CANDIDATES_PER_SIGNAL = 200


class LookupEncoder:
    """Vectors read back from the index, the embedder only for texts it lacks."""

    def __init__(self, known: dict[str, np.ndarray], embedder: Embedder) -> None:
        self._known = known
        self._embedder = embedder

    def encode(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in texts if t not in self._known]
        if missing:
            self._known.update(zip(missing, self._embedder.encode(missing), strict=True))
        if not texts:
            return np.zeros((0, self._embedder.dimension), dtype=np.float32)
        return np.vstack([self._known[t] for t in texts]).astype(np.float32)


@dataclass(frozen=True)
class NoticeMatches:
    """For one notice: the best members of the whole notice and of each lot."""

    notice_id: str
    lots: dict[str | None, list[tuple[str, Match]]]


def _member_key(member: Member) -> str:
    return hashlib.sha256(member.model_dump_json().encode()).hexdigest()


class MatchingEngine:
    """Member → notices and notice → members, over the store and the vector index."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        index: VectorIndex,
        embedder: Embedder,
        weights: ScoringWeights | None = None,
    ) -> None:
        self._sessions = sessions
        self._index = index
        self._embedder = embedder
        self.weights = weights or ScoringWeights()
        self._catalog: Catalog | None = None
        self._sample: NoticeBatch | None = None
        self._members: dict[str, MemberEvidence] = {}
        self._contexts: dict[tuple[str, tuple[int, str]], MemberContext] = {}
        self._lock = threading.Lock()

    @property
    def index(self) -> VectorIndex:
        """The vector index the engine reads."""
        return self._index

    def embed_query(self, text: str) -> np.ndarray:
        """One query text as a vector."""
        vector: np.ndarray = self._embedder.encode([text])[0]
        return vector

    # -- catalog ---------------------------------------------------------------------------

    def catalog(self) -> Catalog:
        """The current catalog, built on first use."""
        with self._lock:
            if self._catalog is None:
                self._rebuild()
            assert self._catalog is not None
            return self._catalog

    def refresh(self) -> bool:
        """Rebuild the catalog when the store changed; True when it did."""
        with self._sessions() as session:
            version = store_version(session)
        with self._lock:
            if self._catalog is not None and self._catalog.version == version:
                return False
            self._rebuild()
            return True

    def _rebuild(self) -> None:
        with self._sessions() as session:
            catalog = build_catalog(session)
        sample = self._batch(catalog.sample)
        self._catalog, self._sample = catalog, sample
        self._contexts.clear()

    # -- building blocks ---------------------------------------------------------------------

    def _notices(self, ids: Sequence[str]) -> list[Notice]:
        with self._sessions() as session:
            rows = session.scalars(select(NoticeRow).where(NoticeRow.id.in_(list(ids)))).all()
        by_id = {row.id: Notice.model_validate(row.document) for row in rows}
        return [by_id[i] for i in ids if i in by_id]

    def _batch(self, ids: Sequence[str]) -> NoticeBatch:
        """Notices with their passage vectors, read back from the index."""
        notices = self._notices(ids)
        known: dict[str, np.ndarray] = {}
        if notices:
            points = self._index.scroll(
                REQUIREMENT,
                filter=SearchFilter(notice_ids=[n.id for n in notices]),
                with_vectors=True,
            )
            for point in points:
                known[text_for_embedding(str(point.payload["text"]))] = point.vector
        return build_batch(notices, LookupEncoder(known, self._embedder))

    def evidence(self, member: Member) -> MemberEvidence:
        """The member's expertise units and vectors, re-embedded when the profile changes."""
        key = _member_key(member)
        found = self._members.get(member.id)
        if found is None or _member_key(found.member) != key:
            found = build_member(member, self._embedder)
            self._members[member.id] = found
        return found

    def _nearest(self, evidence: MemberEvidence, search: SearchFilter | None) -> list[str]:
        hits = self._index.search_batch(
            REQUIREMENT, list(evidence.vectors), limit=CANDIDATES_PER_SIGNAL, filter=search
        )
        return list(dict.fromkeys(str(h.payload["notice_id"]) for row in hits for h in row))

    def context(self, member: Member) -> MemberContext:
        """The member's CPV profile and signal scales for the current catalog."""
        catalog = self.catalog()
        key = (_member_key(member), catalog.version)
        found = self._contexts.get(key)
        if found is not None:
            return found
        evidence = self.evidence(member)
        sample = self._sample
        assert sample is not None
        weights = self.weights
        lex_all = catalog.lexical.scores(evidence.query)
        candidates = list(
            dict.fromkeys(
                [
                    *self._nearest(evidence, None),
                    *catalog.top_notices(lex_all, catalog.whole, CANDIDATES_PER_SIGNAL),
                ]
            )
        )
        dense_stats = pool_stats(
            dense_scores(sample, evidence, weights.dense_top_units), sample.pool
        )
        lex_stats = pool_stats(lexical_scores(sample, catalog.lexical, evidence.query), sample.pool)
        ranked = self._first_pass(evidence, self._batch(candidates), dense_stats, lex_stats)
        profile = infer_profile(
            notices=notice_evidence(ranked, top=weights.feedback_notices),
            declared=evidence.member.cpv,
            label_share=weights.label_share,
        )
        cpv = cpv_scores(sample, profile, weights.cpv_depth_weights, weights.secondary_code_weight)
        context = MemberContext(profile, (dense_stats, lex_stats, pool_stats(cpv, sample.pool)))
        self._contexts[key] = context
        return context

    def _first_pass(
        self,
        evidence: MemberEvidence,
        batch: NoticeBatch,
        dense_stats: tuple[float, float],
        lex_stats: tuple[float, float],
    ) -> list[tuple[str, ...]]:
        """Codes of whole notices ranked by text alone (the CPV profile's evidence)."""
        catalog = self.catalog()
        weights = self.weights
        dense = dense_scores(batch, evidence, weights.dense_top_units)
        lex = lexical_scores(batch, catalog.lexical, evidence.query)
        first = weights.dense * (dense - dense_stats[0]) / dense_stats[1]
        first = first + weights.lexical * (lex - lex_stats[0]) / lex_stats[1]
        whole = [t for t, (_, lot) in enumerate(batch.targets) if lot is None]
        ids = [batch.notices[batch.targets[t][0]].id for t in whole]
        order = sorted(range(len(whole)), key=lambda i: (-float(first[whole[i]]), ids[i]))
        return [batch.target_codes[whole[i]] for i in order]

    # -- queries -----------------------------------------------------------------------------

    def match_member(
        self,
        member: Member,
        *,
        now: datetime,
        limit: int = 20,
        include_closed: bool = False,
        natures: Collection[Nature] | None = None,
    ) -> list[Match]:
        """The member's best notices (one match per notice, best target), reasons included."""
        catalog = self.catalog()
        context = self.context(member)
        evidence = self.evidence(member)
        weights = self.weights
        mask = np.ones(len(catalog.target_lot), dtype=bool)
        if not include_closed:
            mask &= catalog.open_mask(now)
        lexical = catalog.lexical.scores(evidence.query)
        cpv = catalog.cpv_nodes.scores(
            context.profile, weights.cpv_depth_weights, weights.secondary_code_weight
        )
        search = None if include_closed else SearchFilter(open_at=now)
        candidates = list(
            dict.fromkeys(
                [
                    *self._nearest(evidence, search),
                    *catalog.top_notices(lexical, mask, CANDIDATES_PER_SIGNAL),
                    *catalog.top_notices(cpv, mask, CANDIDATES_PER_SIGNAL),
                ]
            )
        )
        return rank_notices(
            evidence,
            self._batch(candidates),
            catalog.lexical,
            weights,
            context=context,
            include_closed=include_closed,
            now=now,
            natures=natures,
            limit=limit,
        )

    def match_notice(
        self, notice_id: str, members: Sequence[Member], *, now: datetime, limit: int = 10
    ) -> NoticeMatches:
        """The best members for a notice and for each of its lots."""
        batch = self._batch([notice_id])
        if not batch.notices:
            raise KeyError(notice_id)
        per_lot: dict[str | None, list[tuple[str, Match]]] = {None: []}
        per_lot.update({lot.id: [] for lot in batch.notices[0].lots})
        for member in members:
            matches = rank_notices(
                self.evidence(member),
                batch,
                self.catalog().lexical,
                self.weights,
                context=self.context(member),
                include_closed=True,
                now=now,
                per_lot=True,
            )
            for match in matches:
                per_lot.setdefault(match.lot, []).append((member.id, match))
        for lot in per_lot:
            per_lot[lot].sort(key=lambda item: (-item[1].score, item[0]))
            per_lot[lot] = per_lot[lot][:limit]
        return NoticeMatches(notice_id, per_lot)


@dataclass(frozen=True)
class SearchHit:
    """A notice found by free text, with the passage that matched best."""

    notice_id: str
    score: float
    passage: str | None


def search_notices(
    engine: MatchingEngine, text: str, *, now: datetime, limit: int, open_only: bool
) -> list[SearchHit]:
    """Free-text search: nearest passages and BM25, fused by reciprocal rank (k = 60)."""
    catalog = engine.catalog()
    vector = engine.embed_query(text)
    search = SearchFilter(open_at=now) if open_only else None
    hits = engine.index.search(REQUIREMENT, vector, limit=200, filter=search)
    best: dict[str, tuple[float, str]] = {}
    for hit in hits:
        notice_id = str(hit.payload["notice_id"])
        if notice_id not in best:
            best[notice_id] = (hit.score, str(hit.payload["text"]))
    mask = catalog.whole & (catalog.open_mask(now) if open_only else True)
    lexical = catalog.lexical.scores(text)
    fused: dict[str, float] = {}
    for rank, notice_id in enumerate(best, start=1):
        fused[notice_id] = fused.get(notice_id, 0.0) + 1.0 / (60 + rank)
    for rank, notice_id in enumerate(catalog.top_notices(lexical, mask, 200), start=1):
        fused[notice_id] = fused.get(notice_id, 0.0) + 1.0 / (60 + rank)
    order = sorted(fused.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return [SearchHit(n, round(s, 6), best.get(n, (0.0, None))[1]) for n, s in order]
