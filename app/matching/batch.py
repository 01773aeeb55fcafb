"""Notices and members made ready for scoring: passages, units and their vectors.

Embedding happens here and only here, through whatever
:class:`~app.search.embedder.Embedder` the caller passes (the application's
embedder, or a cache in front of it); scoring itself only reads vectors.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from app.matching.cpv_inference import CpvNodeIndex
from app.matching.lexical import BM25Index, LexicalQuery, Query
from app.search.embedder import Embedder
from app.search.units import (
    ExpertiseUnit,
    RequirementPassage,
    lot_passages,
    member_units,
    notice_passages,
    target_codes,
    target_key,
    text_for_embedding,
)
from models.member import Member
from models.notice import Notice


@dataclass(frozen=True)
class NoticeBatch:
    """Notices with their passages and vectors, and the targets (notice or lot) to score.

    Vectors are held once per distinct text (``unique_vectors``; ``passage_vector`` gives
    each passage its row): a CPV label passage repeats in every notice with the code, so
    a batch of a thousand notices holds about a third as many distinct texts as passages,
    and every cosine is computed once per text. Pairs (target, passage) are in target
    order, which lets a target's best passage be one ``reduceat`` over the pairs.
    """

    notices: tuple[Notice, ...]
    passages: tuple[RequirementPassage, ...]
    unique_vectors: np.ndarray
    passage_vector: np.ndarray
    targets: tuple[tuple[int, str | None], ...]
    target_codes: tuple[tuple[str, ...], ...]
    pair_target: np.ndarray
    pair_passage: np.ndarray
    _positions: list[tuple[BM25Index, np.ndarray | None]] = field(
        default_factory=list, init=False, compare=False, repr=False
    )

    @cached_property
    def cpv_nodes(self) -> CpvNodeIndex:
        """The targets' CPV codes indexed for overlap scores (built when first scored)."""
        return CpvNodeIndex.build(self.target_codes)

    @cached_property
    def pool(self) -> np.ndarray:
        """Mask of whole-notice targets (the pool that scales and feedback come from)."""
        return np.asarray([lot is None for _, lot in self.targets], dtype=bool)

    @cached_property
    def label_rows(self) -> np.ndarray:
        """Rows of ``unique_vectors`` that only CPV label passages use."""
        own = np.zeros(len(self.unique_vectors), dtype=bool)
        for passage, row in zip(self.passages, self.passage_vector, strict=True):
            if passage.kind != "cpv":
                own[row] = True
        return ~own

    @cached_property
    def target_notice(self) -> np.ndarray:
        """Position in ``notices`` of every target's notice."""
        return np.asarray([n for n, _ in self.targets], dtype=np.int64)

    @cached_property
    def target_keys(self) -> tuple[str, ...]:
        """``target_key`` of every target, in order."""
        return tuple(target_key(self.notices[n].id, lot) for n, lot in self.targets)

    def vectors_of(self, passages: np.ndarray | Sequence[int]) -> np.ndarray:
        """The vectors of the passages at these positions, as rows."""
        return np.asarray(self.unique_vectors[self.passage_vector[np.asarray(passages)]])

    @cached_property
    def _pair_rows(self) -> np.ndarray:
        return np.asarray(self.passage_vector[self.pair_passage], dtype=np.int64)

    @cached_property
    def _segments(self) -> tuple[np.ndarray, np.ndarray]:
        """Targets holding pairs, and where each one's pairs start."""
        if not self.pair_target.size:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        starts = np.flatnonzero(np.diff(self.pair_target, prepend=-1))
        return self.pair_target[starts], starts

    def target_passages(self, target: int) -> np.ndarray:
        """Positions of the passages a target reads (its pairs are contiguous)."""
        low, high = np.searchsorted(self.pair_target, [target, target + 1])
        return np.asarray(self.pair_passage[low:high])

    def target_maxima(self, similarities: np.ndarray) -> np.ndarray:
        """(targets, columns): each column's best value over each target's passages.

        ``similarities`` has one row per distinct text (``unique_vectors``); a target
        without a passage gets -1, below any cosine.
        """
        best = np.full((len(self.targets), similarities.shape[1]), -1.0, dtype=np.float32)
        present, starts = self._segments
        if present.size and similarities.shape[1]:
            best[present] = np.maximum.reduceat(similarities[self._pair_rows], starts, axis=0)
        return best

    def lexical_positions(self, index: BM25Index) -> np.ndarray | None:
        """Each target's position in ``index`` (-1 if absent); None when they are its order.

        Kept for the last index asked: a batch is scored against the catalog's index
        once per member (the catalog's sample, a night's notices), and looking its keys
        up again each time cost more than the BM25 scores themselves.
        """
        memo = self._positions
        if memo and memo[0][0] is index:
            return memo[0][1]
        keys = self.target_keys
        positions = None if list(keys) == index.keys else index.positions(keys)
        memo[:] = [(index, positions)]
        return positions


def _encode_unique(encoder: Embedder, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The vectors of the distinct texts, and each text's row among them."""
    row: dict[str, int] = {}
    rows = np.fromiter(
        (row.setdefault(t, len(row)) for t in texts), dtype=np.int64, count=len(texts)
    )
    unique = list(row)
    vectors = encoder.encode(unique) if unique else np.zeros((0, 1), dtype=np.float32)
    return np.asarray(vectors, dtype=np.float32), rows


def build_batch(
    notices: Sequence[Notice],
    encoder: Embedder,
    *,
    split: Sequence[Sequence[RequirementPassage]] | None = None,
) -> NoticeBatch:
    """Split notices into passages and embed them (each distinct text once).

    ``split`` gives each notice's ``notice_passages`` when the caller already has them.
    """
    passages: list[RequirementPassage] = []
    targets: list[tuple[int, str | None]] = []
    codes: list[tuple[str, ...]] = []
    pair_target: list[int] = []
    pair_passage: list[int] = []
    for n, notice in enumerate(notices):
        own = list(split[n]) if split is not None else notice_passages(notice)
        start = len(passages)
        passages.extend(own)
        for lot_id, lot_codes in target_codes(notice):
            members = {id(p) for p in lot_passages(own, lot_id)}
            pair_passage.extend(start + i for i, p in enumerate(own) if id(p) in members)
            pair_target.extend([len(targets)] * len(members))
            targets.append((n, lot_id))
            codes.append(lot_codes)
    vectors, rows = _encode_unique(encoder, [text_for_embedding(p.text) for p in passages])
    return NoticeBatch(
        tuple(notices),
        tuple(passages),
        vectors,
        rows,
        tuple(targets),
        tuple(codes),
        np.asarray(pair_target, dtype=np.int64),
        np.asarray(pair_passage, dtype=np.int64),
    )


@dataclass(frozen=True)
class MemberEvidence:
    """A member's expertise units with their vectors."""

    member: Member
    units: tuple[ExpertiseUnit, ...]
    vectors: np.ndarray
    equivalents: LexicalQuery | None = None
    """The expertise text with its words' equivalents in the other language (a short
    free-text query, :mod:`app.matching.equivalents`); None: the text alone."""

    @property
    def query(self) -> str:
        """The member's whole expertise text."""
        return " ".join(unit.text for unit in self.units)

    @property
    def lexical_query(self) -> Query:
        """What BM25 scores: the expertise text, with its words' equivalents if any."""
        return self.equivalents or self.query


def build_member(member: Member, encoder: Embedder) -> MemberEvidence:
    """Split a member into expertise units and embed them."""
    units = tuple(member_units(member))
    vectors, rows = _encode_unique(encoder, [u.text for u in units])
    return MemberEvidence(member, units, vectors[rows])
