"""Serving matches: candidates from every signal, then the exact hybrid score.

For one member, candidates are the union of the notices the vector index finds
nearest to each expertise unit, the best BM25 targets and the best targets by
BM25 and CPV together (standardised and weighted as in the exact score) over the
whole catalog. Only the candidates are then scored exactly by
:func:`app.matching.scoring.rank_notices`, with vectors read back from the
index, so a query costs about the same at 2.5k or 100k notices. A member's
context (CPV profile and signal scales) is computed once per catalog version.

The scoring is :mod:`app.matching.scoring`'s, the very functions
``scripts/tune_matching.py`` tunes: :func:`member_context` over the candidates the
member's words find (scales from the catalog's sample), then :func:`rank_notices`.
Between requests the engine keeps parsed notices (until the catalog changes),
members' embedded units and passage vectors in bounded caches
(:mod:`app.matching.caches`): the Python binding of the index gives a vector back
as a list of 512 floats, 35 µs a passage. ``scripts/bench_matching.py`` measures
the served latency.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import threading
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.matching.batch import MemberEvidence, NoticeBatch, build_batch, build_member
from app.matching.caches import (
    CONTEXT_CACHE_SIZE,
    MEMBER_CACHE_SIZE,
    NOTICE_CACHE_SIZE,
    BoundedCache,
    KnownVectors,
    PassageVectors,
)
from app.matching.catalog import Catalog, build_catalog, store_version
from app.matching.equivalents import WordEquivalents, embed_vocabulary
from app.matching.filters import ValueRange
from app.matching.scoring import (
    Match,
    MemberContext,
    ScoringWeights,
    member_context,
    rank_notices,
    standardised,
)
from app.search.embedder import Embedder, uncached
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
"""Candidates of the first pass that infers a member's CPV profile (once per catalog).

The nearest passages and the best BM25 notices each propose this many, among which the
``feedback_notices`` best text matches lend their codes. A caller may ask for fewer
(free-text search does, see :mod:`app.matching.search`)."""


def candidates_per_signal(limit: int) -> int:
    """How many notices each signal proposes when ``limit`` matches are asked for."""
    return max(CANDIDATES_PER_SIGNAL, 2 * limit)


YOUNG_COLLECTION_THRESHOLD = 10_000
"""Allocations between two collections of the youngest generation (CPython's default: 700).

Every tenth young collection runs an older one, and every tenth of those a full one when
enough objects have survived since the last. The engine keeps 10k parsed notices between
requests (some 200k objects the collector walks), and a search brings in a few hundred
new ones: with the default, a full collection (75 ms at 100k notices on 2 cores) came
every dozen searches and made their p95. Measured in process at 100k: with this
threshold none ran in 300 member requests and 41 searches (p50 51 → 42 ms, p95 66 →
57 ms). Short-lived cycles (sessions, requests) still die in the young generations.
"""


def tune_garbage_collector() -> None:
    """Collect the young generation every ``YOUNG_COLLECTION_THRESHOLD`` allocations; call
    once at process start-up (see that constant)."""
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, middle, old)


def limit_blas_threads() -> None:
    """Run the process's BLAS on one thread; call once at process start-up.

    Scoring multiplies small matrices (a thousand passages by a few units), where a
    second OpenBLAS thread saves 40 µs; but between calls that thread spins, waiting
    for work, and with a request every few tens of ms it never sleeps: measured in the
    API server, one of the 2 cores busy with it for nothing. (The USE embedder sets
    its own thread count while it encodes.)
    """
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


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


ContextKey = tuple[str, tuple[int, str], ScoringWeights, int]
"""A member context's cache key: member, catalog version, weights, candidates."""


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
        self._equivalents: tuple[tuple[int, str], WordEquivalents] | None = None  # by version
        self._embedding_words = threading.Lock()
        self._members: BoundedCache[str, tuple[str, MemberEvidence]] = BoundedCache(
            MEMBER_CACHE_SIZE
        )
        self._contexts: BoundedCache[ContextKey, MemberContext] = BoundedCache(CONTEXT_CACHE_SIZE)
        self._vectors = PassageVectors()
        self._prepared: BoundedCache[str, PreparedNotice] = BoundedCache(NOTICE_CACHE_SIZE)
        self._rebuilding = threading.Lock()

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

    def equivalents(self) -> WordEquivalents:
        """The current catalog's common words, embedded: where short queries find their
        words' equivalents in the other language. Built on first use (a process that
        serves no free-text search, such as the digest, never holds them), then again
        for a new catalog, embedding only the words the last vocabulary lacked."""
        catalog = self.catalog()
        with self._embedding_words:
            found = self._equivalents
            if found is not None and found[0] == catalog.version:
                return found[1]
            known = found[1].known if found is not None else {}
            # By the model itself: the embedder's cache is for the texts that come back.
            vectors = embed_vocabulary(catalog.words, uncached(self._embedder), known)
            equivalents = WordEquivalents(catalog.words, vectors)
            self._equivalents = (catalog.version, equivalents)
            return equivalents

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

    def notices(self, ids: Sequence[str]) -> list[Notice]:
        """The stored notices of ``ids`` (in that order, unknown ids left out), as parsed.

        The candidates of a match are kept parsed: a caller presenting matches reads
        them from here rather than from the store again.
        """
        return [prepared.notice for prepared in self._notices(ids)]

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
            KnownVectors(known, self._embedder),
            split=[item.passages for item in prepared],
        )

    def evidence(self, member: Member, weights: ScoringWeights | None = None) -> MemberEvidence:
        """The member's expertise units and vectors, re-embedded when the profile changes.

        When ``weights`` ask for equivalents (short free-text queries), the words carry
        their equivalents in the other language among the current catalog's words.
        """
        key = _member_key(member)
        found = self._members.get(member.id)
        if found is not None and found[0] == key:
            evidence = found[1]
        else:
            evidence = build_member(member, self._embedder)
            self._members.put(member.id, (key, evidence))
        if weights is None or weights.equivalent_weight <= 0:
            return evidence
        query = self.equivalents().of(evidence.query, weights.equivalent_weight, self._embedder)
        return dataclasses.replace(evidence, equivalents=query)

    def _nearest(
        self, evidence: MemberEvidence, search: SearchFilter | None, limit: int
    ) -> list[str]:
        hits = self._index.search_batch(
            REQUIREMENT, list(evidence.vectors), limit=limit, filter=search, fields=["notice_id"]
        )
        return list(dict.fromkeys(str(h.payload["notice_id"]) for row in hits for h in row))

    def context(
        self,
        member: Member,
        weights: ScoringWeights | None = None,
        *,
        candidates: int = CONTEXT_CANDIDATES,
    ) -> MemberContext:
        """The member's CPV profile and signal scales for the current catalog.

        :func:`member_context` over the notices the member's words find in the whole
        catalog (the ``candidates`` nearest passages and best BM25 notices), with the
        scales of the catalog's sample: on a catalog up to the sample's size, the
        numbers of scoring the whole catalog at once. ``weights`` (default the
        engine's) weigh the text signals that pick the notices lending their codes.
        """
        weights = weights or self.weights
        catalog, sample = self._current()
        key = (_member_key(member), catalog.version, weights, candidates)
        found = self._contexts.get(key)
        if found is not None:
            return found
        evidence = self.evidence(member, weights)
        lex_all = catalog.lexical.scores(evidence.lexical_query)
        found_by_words = list(
            dict.fromkeys(
                [
                    *self._nearest(evidence, None, candidates),
                    *catalog.top_notices(lex_all, catalog.whole, candidates),
                ]
            )
        )
        context = member_context(
            evidence, self._batch(found_by_words), catalog.lexical, weights, sample=sample
        )
        self._contexts.put(key, context)
        return context

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
        weights: ScoringWeights | None = None,
        context_candidates: int = CONTEXT_CANDIDATES,
    ) -> list[Match]:
        """The member's best notices (one match per notice, best target), reasons included.

        ``weights`` (default the engine's) and ``context_candidates`` (see
        :meth:`context`) let free-text search read a query its own way over the same
        catalog, index and caches.
        """
        weights = weights or self.weights
        catalog = self.catalog()
        context = self.context(member, weights, candidates=context_candidates)
        evidence = self.evidence(member, weights)
        mask = np.ones(len(catalog.target_lot), dtype=bool)
        if not include_closed:
            mask &= catalog.open_mask(now)
        lexical = catalog.lexical.scores(evidence.lexical_query)
        cpv = catalog.cpv_nodes.scores(
            context.profile, weights.cpv_depth_weights, weights.secondary_code_weight
        )
        # Words and trade together, as the exact score weighs them (dense aside): at 100k
        # notices, thousands tie on the best CPV score, and the ones that also match the
        # words make the top; a list by CPV alone picks among the ties blindly.
        known = weights.lexical * standardised(lexical, context.stats[1]) + weights.cpv * cpv
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
