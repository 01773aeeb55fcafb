"""Serving matches: candidates from every signal, then the exact hybrid score.

For one member, candidates are the union of the notices the vector index finds
nearest to each expertise unit, the best BM25 targets and the best targets by
BM25 and CPV together (standardised and weighted as in the exact score) over the
whole catalog. Only the candidates are then scored exactly by
:func:`app.matching.scoring.rank_notices`, with vectors read back from the
index, so a query costs about the same at 2.5k or 100k notices. A member's
context (CPV profile and signal scales) is computed once per catalog version.

Between requests the engine keeps parsed notices (until the catalog changes) and
passage vectors (a vector is a function of its text), each in a bounded LRU: the
Python binding of the index gives a vector back as a list of 512 floats, 35 µs a
passage. ``scripts/bench_matching.py`` measures the served latency.
"""

from __future__ import annotations

import gc
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.matching.batch import MemberEvidence, NoticeBatch, build_batch, build_member
from app.matching.catalog import Catalog, build_catalog, store_version
from app.matching.cpv_inference import infer_profile, notice_evidence
from app.matching.filters import ValueRange
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
from app.search.embedder import Embedder
from app.search.index import LABEL, REQUIREMENT, SearchFilter, VectorIndex
from app.search.units import RequirementPassage, notice_passages, text_for_embedding
from models.member import Member
from models.notice import Nature, Notice
from models.schema import NoticeRow

CANDIDATES_PER_SIGNAL = 100
"""Notices each candidate list proposes for exact scoring, at least; ``2 * limit`` if more.

Exact scoring costs in proportion to the candidates (their passages and vectors).
Measured against exact scoring of every notice (the first 20 of each sample member):
all found on the devset; at 100k recombined notices 98% with 100 per list (lists by
nearest passages, BM25, and BM25 + CPV), where lists by nearest passages, BM25 and CPV
alone found 66% with 100 and 89% with 200. ``limit`` 100 (the quality evaluation)
gets 200 per list.
"""
CONTEXT_CANDIDATES = 200
"""Candidates of the first pass that infers a member's CPV profile (once per catalog)."""
VECTOR_CACHE_SIZE = 30_000
"""Passage vectors kept between requests (about 1 KiB each for 512 float16 dimensions)."""
NOTICE_CACHE_SIZE = 10_000
"""Notices kept parsed and split into passages between requests (a few KiB each)."""
CONTEXT_CACHE_SIZE = 2_000
"""Member contexts kept per catalog version: every member, and recent free-text queries."""
QUERY_MEMBER_ID = "free-text-query"
"""The id of the member a free-text query is read as (never stored)."""

K = TypeVar("K")
V = TypeVar("V")


def candidates_per_signal(limit: int) -> int:
    """How many notices each signal proposes when ``limit`` matches are asked for."""
    return max(CANDIDATES_PER_SIGNAL, 2 * limit)


_BLAS_LIMITED = False


def _one_blas_thread() -> None:
    """Run the process's BLAS on one thread (the embedder raises it while it encodes).

    Scoring multiplies small matrices (a thousand passages by a few units), where a
    second OpenBLAS thread saves 40 µs; but between calls that thread spins, waiting
    for work, and with a request every few tens of ms it never sleeps: measured in the
    API server, one of the 2 cores busy with it for nothing.
    """
    global _BLAS_LIMITED
    if not _BLAS_LIMITED:
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=1, user_api="blas")
        _BLAS_LIMITED = True


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


class Lru(Generic[K, V]):
    """A thread-safe mapping that drops its least recently used entries beyond ``capacity``."""

    def __init__(self, capacity: int) -> None:
        self._capacity = capacity
        self._entries: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        """The entry for ``key``, if kept (it becomes the most recently used)."""
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> None:
        """Keep an entry, dropping the least recently used ones beyond capacity."""
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self._capacity:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._entries.clear()


class PassageVectors:
    """Passage vectors read back from the index, kept for the next requests.

    Reading one back through qdrant-edge's Python binding costs some 35 µs (a list of
    512 floats), and a member's candidates hold about a thousand passages. CPV label
    passages (two thirds of a notice's passages) are shared by every notice with the
    code, so their vectors are kept by text: at most two per CPV code. Other passages
    are kept per notice and text, the least recently used dropped beyond ``capacity``.
    A vector is a function of its text, so an entry never goes stale: a changed
    notice has other texts. Vectors are kept as float16, the precision the index
    stores them in: half the memory for the same values.
    """

    def __init__(self, capacity: int = VECTOR_CACHE_SIZE) -> None:
        self._labels: dict[str, np.ndarray] = {}
        self._passages: Lru[tuple[str, str], np.ndarray] = Lru(capacity)

    def get(self, passage: RequirementPassage, text: str) -> np.ndarray | None:
        """The vector of a passage (``text`` as embedded), if kept."""
        if passage.code is not None:
            return self._labels.get(text)
        return self._passages.get((passage.notice_id, text))

    def put_label(self, text: str, vector: np.ndarray) -> None:
        """Keep the vector of a CPV label (``text`` as embedded)."""
        self._labels[text] = vector.astype(np.float16)

    def put_passage(self, notice_id: str, text: str, vector: np.ndarray) -> None:
        """Keep the vector of a passage of a notice (``text`` as embedded)."""
        self._passages.put((notice_id, text), vector.astype(np.float16))


@dataclass(frozen=True)
class PreparedNotice:
    """A stored notice with its passages and their texts as embedded."""

    notice: Notice
    passages: tuple[RequirementPassage, ...]
    texts: tuple[str, ...]


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
        self._state: tuple[Catalog, NoticeBatch] | None = None  # catalog, sample batch
        self._members: dict[str, MemberEvidence] = {}
        self._contexts: Lru[tuple[str, tuple[int, str]], MemberContext] = Lru(CONTEXT_CACHE_SIZE)
        self._vectors = PassageVectors()
        self._prepared: Lru[str, PreparedNotice] = Lru(NOTICE_CACHE_SIZE)
        self._rebuilding = threading.Lock()
        _one_blas_thread()

    # -- catalog ---------------------------------------------------------------------------

    def catalog(self) -> Catalog:
        """The current catalog, built on first use."""
        return self._current()[0]

    def _current(self) -> tuple[Catalog, NoticeBatch]:
        """The current catalog and its sample batch, built on first use."""
        state = self._state
        if state is None:
            with self._rebuilding:  # or wait for the build under way (the warm-up's)
                state = self._state
                if state is None:
                    state = self._build()
                    self._install(state)
        return state

    def refresh(self) -> bool:
        """Rebuild the catalog when the store changed; True when it did.

        Requests keep the previous catalog while the new one is built (tens of
        seconds at 100k notices), and switch to it at once.
        """
        with self._sessions() as session:
            version = store_version(session)
        with self._rebuilding:
            state = self._state
            if state is not None and state[0].version == version:
                return False
            self._install(self._build())
            return True

    def _build(self) -> tuple[Catalog, NoticeBatch]:
        with self._sessions() as session:
            catalog = build_catalog(session)
        return catalog, self._batch(catalog.sample)

    def _install(self, state: tuple[Catalog, NoticeBatch]) -> None:
        self._state = state
        self._contexts.clear()
        self._prepared.clear()  # notices may have changed with the store
        # A full collection walks every tracked object: some 300k in a serving process
        # (imports, catalog, sample batch), 150 ms on 2 cores, paid by whichever request
        # triggers it. Long-lived objects move to the permanent generation instead; the
        # previous catalog is still freed by reference counting (it holds no cycles).
        gc.freeze()

    # -- building blocks ---------------------------------------------------------------------

    def _notices(self, ids: Sequence[str]) -> list[PreparedNotice]:
        """The stored notices of ``ids`` (in that order), parsed and split, kept or read."""
        found = {i: self._prepared.get(i) for i in ids}
        missing = [i for i, prepared in found.items() if prepared is None]
        if missing:
            with self._sessions() as session:
                rows = session.execute(
                    select(NoticeRow.id, NoticeRow.document).where(NoticeRow.id.in_(missing))
                ).all()
            for row in rows:
                notice = Notice.model_validate(row.document)
                passages = tuple(notice_passages(notice))
                texts = tuple(text_for_embedding(p.text) for p in passages)
                found[row.id] = prepared = PreparedNotice(notice, passages, texts)
                self._prepared.put(row.id, prepared)
        return [prepared for prepared in found.values() if prepared is not None]

    def _batch(self, ids: Sequence[str]) -> NoticeBatch:
        """Notices with their passage vectors, kept or read back from the index."""
        prepared = self._notices(ids)
        known: dict[str, np.ndarray] = {}
        unread: dict[str, None] = {}  # notices with a passage vector not kept
        codes: set[str] = set()  # CPV codes with a label vector not kept
        for item in prepared:
            for passage, text in zip(item.passages, item.texts, strict=True):
                vector = self._vectors.get(passage, text)
                if vector is not None:
                    known[text] = vector
                elif passage.code is not None:
                    codes.add(passage.code)
                else:
                    unread[item.notice.id] = None
        if codes:
            labels = self._index.scroll(
                LABEL, filter=SearchFilter(codes=sorted(codes)), with_vectors=True
            )
            for point in labels:
                text = text_for_embedding(str(point.payload["text"]))
                self._vectors.put_label(text, point.vector)
                known[text] = point.vector
        if unread:
            points = self._index.scroll(
                REQUIREMENT, filter=SearchFilter(notice_ids=list(unread)), with_vectors=True
            )
            for point in points:
                text = text_for_embedding(str(point.payload["text"]))
                self._vectors.put_passage(str(point.payload["notice_id"]), text, point.vector)
                known[text] = point.vector
        # A vector missing from the index (a label the index lost) is embedded again.
        return build_batch(
            [item.notice for item in prepared],
            LookupEncoder(known, self._embedder),
            split=[item.passages for item in prepared],
        )

    def evidence(self, member: Member) -> MemberEvidence:
        """The member's expertise units and vectors, re-embedded when the profile changes."""
        key = _member_key(member)
        found = self._members.get(member.id)
        if found is None or _member_key(found.member) != key:
            found = build_member(member, self._embedder)
            self._members[member.id] = found
        return found

    def _nearest(
        self, evidence: MemberEvidence, search: SearchFilter | None, limit: int
    ) -> list[str]:
        hits = self._index.search_batch(
            REQUIREMENT, list(evidence.vectors), limit=limit, filter=search
        )
        return list(dict.fromkeys(str(h.payload["notice_id"]) for row in hits for h in row))

    def context(self, member: Member) -> MemberContext:
        """The member's CPV profile and signal scales for the current catalog."""
        catalog, sample = self._current()
        key = (_member_key(member), catalog.version)
        found = self._contexts.get(key)
        if found is not None:
            return found
        evidence = self.evidence(member)
        weights = self.weights
        lex_all = catalog.lexical.scores(evidence.query)
        candidates = list(
            dict.fromkeys(
                [
                    *self._nearest(evidence, None, CONTEXT_CANDIDATES),
                    *catalog.top_notices(lex_all, catalog.whole, CONTEXT_CANDIDATES),
                ]
            )
        )
        dense_stats = pool_stats(
            dense_scores(sample, evidence, weights.dense_top_units), sample.pool
        )
        lex_stats = pool_stats(lexical_scores(sample, catalog.lexical, evidence.query), sample.pool)
        ranked = self._first_pass(
            catalog, evidence, self._batch(candidates), dense_stats, lex_stats
        )
        profile = infer_profile(
            notices=notice_evidence(ranked, top=weights.feedback_notices),
            declared=evidence.member.cpv,
            label_share=weights.label_share,
        )
        cpv = cpv_scores(sample, profile, weights.cpv_depth_weights, weights.secondary_code_weight)
        context = MemberContext(profile, (dense_stats, lex_stats, pool_stats(cpv, sample.pool)))
        self._contexts.put(key, context)
        return context

    def _first_pass(
        self,
        catalog: Catalog,
        evidence: MemberEvidence,
        batch: NoticeBatch,
        dense_stats: tuple[float, float],
        lex_stats: tuple[float, float],
    ) -> list[tuple[str, ...]]:
        """Codes of whole notices ranked by text alone (the CPV profile's evidence)."""
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
        value_range: ValueRange | None = None,
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
        # Words and trade together, as the exact score weighs them (dense aside): at 100k
        # notices, thousands tie on the best CPV score, and the ones that also match the
        # words make the top; a list by CPV alone picks among the ties blindly.
        _, lex_stats, cpv_stats = context.stats
        known = weights.lexical * (lexical - lex_stats[0]) / lex_stats[1]
        known = known + weights.cpv * (cpv - cpv_stats[0]) / cpv_stats[1]
        search = None if include_closed else SearchFilter(open_at=now)
        per_signal = candidates_per_signal(limit)
        candidates = list(
            dict.fromkeys(
                [
                    *self._nearest(evidence, search, per_signal),
                    *catalog.top_notices(lexical, mask, per_signal),
                    *catalog.top_notices(known, mask, per_signal, positive=False),
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
            value_range=value_range,
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
    """Free-text search: the text read as the profile of a member who does just that.

    The member matching then ranks notices by meaning, words and the CPV codes of the
    notices that fit the text best. Measured on the devset with each sample member's
    statements as queries against that member's labels (``scripts/eval_matching.py``):
    nDCG@10 0.76, where fusing nearest passages and BM25 by reciprocal rank gave 0.49.
    """
    query = Member(id=QUERY_MEMBER_ID, name="free-text query", expertise=[text])
    matches = engine.match_member(query, now=now, limit=limit, include_closed=not open_only)
    return [
        SearchHit(
            notice_id=match.notice_id,
            score=round(match.score, 4),
            passage=match.reasons.passages[0].passage.text if match.reasons.passages else None,
        )
        for match in matches
    ]
