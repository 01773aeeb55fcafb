"""The matchable notices, held in memory in the compact form scoring needs.

Lexical (BM25) and CPV scores are computed over every target (a notice or one
of its lots) at each query: both are array operations, cheap even at 100k
notices. No notice text and no vector is kept here (only the words most notices
use, counted, for free-text search's equivalents): passages and their vectors stay
in the vector index, and full notices in the store, fetched for candidates only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.matching.cpv_inference import CpvNodeIndex
from app.matching.equivalents import WordCounter, WordVocabulary
from app.matching.lexical import BM25Index, Field, notice_documents
from app.search.units import target_codes
from models.notice import Notice, NoticeStatus, RecordKind
from models.schema import NoticeRow

SAMPLE_SIZE = 3000
"""Notices whose signals set each member's scales: all of them up to this size."""


def store_version(session: Session) -> tuple[int, str]:
    """Changes whenever a notice is added or changed (count, latest update)."""
    count, latest = session.execute(
        select(func.count(), func.max(NoticeRow.updated_at)).where(
            NoticeRow.kind == RecordKind.notice.value
        )
    ).one()
    return int(count), str(latest)


@dataclass(frozen=True)
class Catalog:
    """Every matchable target with its BM25 document, CPV nodes and open/closed facts,
    and the notices' common words (where a short query's words find their equivalents)."""

    version: tuple[int, str]
    notice_ids: tuple[str, ...]
    target_notice: np.ndarray  # target → position in notice_ids
    target_lot: tuple[str | None, ...]
    lexical: BM25Index
    cpv_nodes: CpvNodeIndex
    open_until: np.ndarray  # target → deadline epoch seconds (inf: unknown; nan: not open)
    sample: tuple[str, ...]
    words: WordVocabulary

    @cached_property
    def whole(self) -> np.ndarray:
        """Mask of whole-notice targets."""
        return np.asarray([lot is None for lot in self.target_lot], dtype=bool)

    def open_mask(self, now: datetime) -> np.ndarray:
        """Targets still open at ``now`` (unknown deadlines count as open)."""
        with np.errstate(invalid="ignore"):
            return np.asarray(self.open_until >= now.timestamp(), dtype=bool)

    def top_notices(
        self, scores: np.ndarray, mask: np.ndarray, k: int, *, positive: bool = True
    ) -> list[str]:
        """Ids of the notices of the ``k`` best targets among ``mask``, best first.

        With ``positive``, only targets scoring above 0 count (a BM25 or CPV score of 0
        matches nothing); standardised scores are negative below the average.
        """
        eligible = np.flatnonzero(mask & (scores > 0) if positive else mask)
        if eligible.size > k:
            eligible = eligible[np.argpartition(-scores[eligible], k)[:k]]
        eligible = eligible[np.argsort(-scores[eligible], kind="stable")]
        return list(dict.fromkeys(self.notice_ids[int(self.target_notice[t])] for t in eligible))


def _open_until(
    notice: Notice, lot: str | None, status: str, deadline_at: datetime | None
) -> float:
    if status != NoticeStatus.open.value:
        return float("nan")
    own = next((x.deadline for x in notice.lots if x.id == lot), None) if lot else None
    deadline = own or deadline_at
    return deadline.timestamp() if deadline is not None else float("inf")


def build_catalog(session: Session) -> Catalog:
    """Read every matchable notice from the store (award notices are never matchable)."""
    version = store_version(session)
    # Only the columns needed, streamed: at 100k notices, loading every row at once
    # (ORM objects with their documents) took hundreds of MB that the process kept.
    rows = session.execute(
        select(NoticeRow.id, NoticeRow.document, NoticeRow.status, NoticeRow.deadline_at)
        .where(NoticeRow.kind == RecordKind.notice.value)
        .order_by(NoticeRow.id)
        .execution_options(yield_per=1000)
    )
    notice_ids: list[str] = []
    positions: list[int] = []
    lots: list[str | None] = []
    keys: list[str] = []
    documents: list[Sequence[Field]] = []
    codes: list[tuple[str, ...]] = []
    open_until: list[float] = []
    words = WordCounter()
    for row in rows:
        notice = Notice.model_validate(row.document)
        words.add(notice)
        per_target = dict(target_codes(notice))
        for key, fields in notice_documents(notice):
            lot = key.split("#lot=", 1)[1] if "#lot=" in key else None
            positions.append(len(notice_ids))
            lots.append(lot)
            keys.append(key)
            documents.append(fields)
            codes.append(per_target.get(lot, ()))
            open_until.append(_open_until(notice, lot, row.status, row.deadline_at))
        notice_ids.append(row.id)
    step = max(1, len(notice_ids) // SAMPLE_SIZE)
    return Catalog(
        version=version,
        notice_ids=tuple(notice_ids),
        target_notice=np.asarray(positions, dtype=np.int64),
        target_lot=tuple(lots),
        lexical=BM25Index(keys, documents),
        cpv_nodes=CpvNodeIndex.build(codes),
        open_until=np.asarray(open_until, dtype=np.float64),
        sample=tuple(notice_ids[::step][:SAMPLE_SIZE]),
        words=words.vocabulary(),
    )
