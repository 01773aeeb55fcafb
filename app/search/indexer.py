"""Keep the vector index in step with the store (the store is the source of truth).

A notice or member row whose ``indexed_hash`` differs from its ``content_hash``
is pending: its points are replaced and the hash copied over in the same pass.
This makes indexing incremental, restartable at any point, and lets any
process that owns the index (the API server, or a CLI run when no server
holds it) catch up with what another process ingested.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from app.search.embedder import Embedder
from app.search.index import (
    EXPERTISE,
    LABEL,
    REQUIREMENT,
    IndexedPoint,
    SearchFilter,
    VectorIndex,
    point_id,
)
from app.search.units import (
    ExpertiseUnit,
    RequirementPassage,
    member_units,
    notice_passages,
    text_for_embedding,
)
from models.member import Member
from models.notice import Notice, RecordKind
from models.schema import MemberRow, NoticeRow

logger = logging.getLogger(__name__)

BATCH = 64
OPTIMIZE_AFTER = 20_000
"""Un-indexed requirement points beyond which a sync builds the HNSW graphs.

Below it, a search scans the plain segment in full, a few ms at 10k points; above,
the scan grows with the store (seconds at 400k points) until the graph exists.
The devset (2,555 notices, 11k points) stays below; a bulk load goes above.
"""
Tick = Callable[[int], None]


@runtime_checkable
class Optimizable(Protocol):
    """An index that must be told to build its search graphs (the embedded one)."""

    def unindexed(self, collection: str) -> int:
        """Points a search scans one by one."""
        ...

    def optimize(self) -> None:
        """Build the graphs (blocking)."""
        ...


def _deadline_ts(value: datetime | None) -> float | None:
    return value.timestamp() if value is not None else None


def passage_payload(row: NoticeRow, notice: Notice, passage: RequirementPassage) -> dict[str, Any]:
    """What a requirement point carries: enough to filter, explain and read it back."""
    lot = next((lot for lot in notice.lots if lot.id == passage.lot), None)
    deadline = lot.deadline if lot is not None and lot.deadline else row.deadline_at
    return {
        "notice_id": notice.id,
        "lot": passage.lot,
        "kind": passage.kind,
        "text": passage.text,
        "deadline_ts": _deadline_ts(deadline),
        "status": row.status,
        "places": list(notice.place),
        "nature": row.nature,
        "source": row.source,
    }


def label_point_id(passage: RequirementPassage) -> str:
    """The one point of a CPV label passage, whichever notice carries the code."""
    return point_id("label", passage.code or "", passage.language or "", passage.text)


@dataclass
class IndexReport:
    """How many notices and members were (re)indexed, points written, graphs built."""

    notices: int = 0
    members: int = 0
    points: int = 0
    optimized: bool = False


class Indexer:
    """Writes requirement passages and expertise units into the vector index."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        index: VectorIndex,
        embedder: Embedder,
        *,
        optimize_after: int | None = OPTIMIZE_AFTER,
    ) -> None:
        self._sessions = sessions
        self._index = index
        self._embedder = embedder
        self._optimize_after = optimize_after

    def pending_notices(self) -> int:
        """Notices whose points are missing or stale."""
        with self._sessions() as session:
            return len(session.scalars(self._pending_notice_ids()).all())

    def sync(self, *, on_progress: Tick | None = None) -> IndexReport:
        """Index every pending notice and member (everything, if the index lost its points)."""
        if self._points_lost():
            logger.warning("the vector index lost its points: rebuilding it from the store")
            self.reset()
        report = IndexReport()
        self._sync_notices(report, on_progress)
        self._sync_members(report)
        index = self._index
        if (
            report.points
            and self._optimize_after is not None
            and isinstance(index, Optimizable)
            and index.unindexed(REQUIREMENT) >= self._optimize_after
        ):
            index.optimize()
            report.optimized = True
        return report

    def reset(self) -> None:
        """Forget what was indexed: the next :meth:`sync` rebuilds everything.

        The collections are dropped, not emptied, so that they are created again with
        this version's settings (the embedder's dimension, the vector format).
        """
        for collection in (REQUIREMENT, EXPERTISE, LABEL):
            self._index.drop(collection)
        with self._sessions() as session, session.begin():
            session.execute(update(NoticeRow).values(indexed_hash=None))
            session.execute(update(MemberRow).values(indexed_hash=None))

    def _points_lost(self) -> bool:
        """True when notices are recorded as indexed but the index holds no passage.

        That happens when the index folder was deleted or emptied because it was stored
        with other settings: the store is the source of truth, so it is rebuilt.
        """
        if self._index.count(REQUIREMENT) > 0:
            return False
        indexed = select(NoticeRow.id).where(
            NoticeRow.indexed_hash.is_not(None), NoticeRow.kind == RecordKind.notice.value
        )
        with self._sessions() as session:
            return session.scalars(indexed.limit(1)).first() is not None

    @staticmethod
    def _pending_notice_ids() -> Any:
        return select(NoticeRow.id).where(
            or_(NoticeRow.indexed_hash.is_(None), NoticeRow.indexed_hash != NoticeRow.content_hash)
        )

    def _sync_notices(self, report: IndexReport, on_progress: Tick | None) -> None:
        with self._sessions() as session:
            pending = list(session.scalars(self._pending_notice_ids()))
        for start in range(0, len(pending), BATCH):
            ids = pending[start : start + BATCH]
            with self._sessions() as session, session.begin():
                rows = session.scalars(select(NoticeRow).where(NoticeRow.id.in_(ids))).all()
                report.points += self._index_notices(rows)
                for row in rows:
                    row.indexed_hash = row.content_hash
            report.notices += len(ids)
            if on_progress is not None:
                on_progress(len(ids))

    def _index_notices(self, rows: Sequence[NoticeRow]) -> int:
        """Replace the points of ``rows``; award notices are never matchable, so get none.

        CPV label passages go to the label collection, once per label: two thirds of
        a notice's passages are labels shared with thousands of other notices.
        """
        self._index.delete_where(REQUIREMENT, "notice_id", [row.id for row in rows])
        items: list[tuple[NoticeRow, Notice, RequirementPassage]] = []
        labels: dict[str, RequirementPassage] = {}
        for row in rows:
            if row.kind != RecordKind.notice.value:
                continue
            notice = Notice.model_validate(row.document)
            for passage in notice_passages(notice):
                if passage.kind == "cpv":
                    labels[label_point_id(passage)] = passage
                else:
                    items.append((row, notice, passage))
        written = self._index_labels(labels)
        if not items:
            return written
        vectors = self._embedder.encode([text_for_embedding(p.text) for _, _, p in items])
        points = [
            IndexedPoint(
                id=point_id(notice.id, passage.lot or "", passage.kind, str(n), passage.text),
                vector=vector,
                payload=passage_payload(row, notice, passage),
            )
            for n, ((row, notice, passage), vector) in enumerate(zip(items, vectors, strict=True))
        ]
        self._index.upsert(REQUIREMENT, points)
        return written + len(points)

    def _index_labels(self, labels: dict[str, RequirementPassage]) -> int:
        """Write the label points (by id) that the index does not hold yet."""
        codes = sorted({p.code for p in labels.values() if p.code is not None})
        if not codes:
            return 0
        stored = {point.id for point in self._index.scroll(LABEL, filter=SearchFilter(codes=codes))}
        missing = {key: p for key, p in labels.items() if key not in stored}
        if not missing:
            return 0
        passages = list(missing.values())
        vectors = self._embedder.encode([text_for_embedding(p.text) for p in passages])
        points = [
            IndexedPoint(
                id=key,
                vector=vector,
                payload={"code": p.code, "language": p.language, "text": p.text},
            )
            for (key, p), vector in zip(missing.items(), vectors, strict=True)
        ]
        self._index.upsert(LABEL, points)
        return len(points)

    def _sync_members(self, report: IndexReport) -> None:
        """Re-embed changed profiles and drop the points of deleted members."""
        with self._sessions() as session, session.begin():
            rows = session.scalars(
                select(MemberRow).where(
                    or_(
                        MemberRow.indexed_hash.is_(None),
                        MemberRow.indexed_hash != MemberRow.content_hash,
                    )
                )
            ).all()
            for row in rows:
                report.points += self.index_member(
                    Member.model_validate({"id": row.id, **row.profile})
                )
                row.indexed_hash = row.content_hash
            report.members += len(rows)
            known = set(session.scalars(select(MemberRow.id)))
        indexed = {str(point.payload["member_id"]) for point in self._index.scroll(EXPERTISE)}
        if indexed - known:
            self._index.delete_where(EXPERTISE, "member_id", sorted(indexed - known))

    def index_member(self, member: Member) -> int:
        """Replace a member's expertise points (called when their profile changes)."""
        self._index.delete_where(EXPERTISE, "member_id", [member.id])
        units: list[ExpertiseUnit] = member_units(member)
        if not units:
            return 0
        vectors = self._embedder.encode([text_for_embedding(u.text) for u in units])
        points = [
            IndexedPoint(
                id=point_id(member.id, unit.kind, str(n), unit.text),
                vector=vector,
                payload={"member_id": member.id, "kind": unit.kind, "text": unit.text},
            )
            for n, (unit, vector) in enumerate(zip(units, vectors, strict=True))
        ]
        self._index.upsert(EXPERTISE, points)
        return len(points)
