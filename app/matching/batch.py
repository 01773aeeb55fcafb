"""Notices and members made ready for scoring: passages, units and their vectors.

Embedding happens here and only here, through whatever
:class:`~app.search.embedder.Embedder` the caller passes (the application's
embedder, or a cache in front of it); scoring itself only reads vectors.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from app.matching.cpv_inference import CpvNodeIndex
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
    """Notices with their passages and vectors, and the targets (notice or lot) to score."""

    notices: tuple[Notice, ...]
    passages: tuple[RequirementPassage, ...]
    vectors: np.ndarray
    targets: tuple[tuple[int, str | None], ...]
    target_codes: tuple[tuple[str, ...], ...]
    pair_target: np.ndarray
    pair_passage: np.ndarray
    cpv_nodes: CpvNodeIndex

    @property
    def pool(self) -> np.ndarray:
        """Mask of whole-notice targets (the pool that scales and feedback come from)."""
        return np.asarray([lot is None for _, lot in self.targets], dtype=bool)

    def keys(self) -> list[str]:
        """``target_key`` of every target, in order."""
        return [target_key(self.notices[n].id, lot) for n, lot in self.targets]


def _encode_unique(encoder: Embedder, texts: Sequence[str]) -> np.ndarray:
    unique = list(dict.fromkeys(texts))
    vectors = encoder.encode(unique) if unique else np.zeros((0, 1), dtype=np.float32)
    row = {text: i for i, text in enumerate(unique)}
    return np.asarray(vectors, dtype=np.float32)[[row[t] for t in texts]]


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
    vectors = _encode_unique(encoder, [text_for_embedding(p.text) for p in passages])
    return NoticeBatch(
        tuple(notices),
        tuple(passages),
        vectors,
        tuple(targets),
        tuple(codes),
        np.asarray(pair_target, dtype=np.int64),
        np.asarray(pair_passage, dtype=np.int64),
        CpvNodeIndex.build(codes),
    )


@dataclass(frozen=True)
class MemberEvidence:
    """A member's expertise units with their vectors."""

    member: Member
    units: tuple[ExpertiseUnit, ...]
    vectors: np.ndarray

    @property
    def query(self) -> str:
        """The member's whole expertise text, the lexical query."""
        return " ".join(unit.text for unit in self.units)


def build_member(member: Member, encoder: Embedder) -> MemberEvidence:
    """Split a member into expertise units and embed them."""
    units = tuple(member_units(member))
    return MemberEvidence(member, units, _encode_unique(encoder, [u.text for u in units]))
