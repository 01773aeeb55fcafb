"""Fold every source record of one notice into the notice served.

The notice is always *derived*: its initial publications (possibly one per
source), then its corrigenda in publication order, then any cancellation or
award. Several versions of one publication (same UUID: unpublished then
published, or republished) count once, as their latest version. Deriving
rather than patching makes re-ingestion idempotent and lets ``cotender notices
renormalise`` rebuild a notice from its kept raw records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from models.notice import Notice, NoticeStatus, RecordKind

_UPDATABLE = (
    "title",
    "description",
    "deadline",
    "deadline_kind",
    "deadlines",
    "value",
    "lots",
    "cpv",
    "place",
    "nature",
    "criteria",
)


@dataclass(frozen=True)
class StoredRecord:
    """A source record as the store keeps it: its kind, parsed notice and arrival order."""

    kind: RecordKind
    notice: Notice
    seq: int
    uuid: str | None = None
    version: int | None = None

    @property
    def publication(self) -> str:
        """What versions of one publication share: the source's UUID, else the record id."""
        return self.uuid or self.notice.id

    def newer_than(self, other: StoredRecord) -> bool:
        """A later version of the same publication (version, then date, then arrival)."""
        return (self.version or 0, self.notice.published or date.min, self.seq) > (
            other.version or 0,
            other.notice.published or date.min,
            other.seq,
        )


@dataclass(frozen=True)
class MergedNotice:
    """The notice to serve and whether it is an opportunity (``notice``) or an award."""

    notice: Notice
    kind: RecordKind


def _fill_missing(base: Notice, twin: Notice) -> Notice:
    """Complete ``base`` with what only its twin from another source knows."""
    updates: dict[str, object] = {}
    if not base.description and twin.description:
        updates["description"] = twin.description
    if not base.lots and twin.lots:
        updates["lots"] = twin.lots
    if base.buyer and twin.buyer and not base.buyer.id and twin.buyer.id:
        updates["buyer"] = base.buyer.model_copy(update={"id": twin.buyer.id})
    if not base.criteria and twin.criteria:
        updates["criteria"] = twin.criteria
    if base.value is None and twin.value is not None:
        updates["value"] = twin.value
    if not base.buyers and twin.buyers:
        updates["buyers"] = twin.buyers
    updates["cpv"] = list(dict.fromkeys([*base.cpv, *twin.cpv]))
    updates["place"] = list(dict.fromkeys([*base.place, *twin.place]))
    return base.model_copy(update=updates)


def _apply_corrigendum(base: Notice, change: Notice) -> Notice:
    """Take every field the corrigendum states; keep what it leaves empty."""
    updates = {
        field: getattr(change, field)
        for field in _UPDATABLE
        if getattr(change, field) not in (None, "", [])
    }
    return base.model_copy(update=updates)


def _order_key(record: StoredRecord) -> tuple[date, int]:
    return (record.notice.published or date.min, record.seq)


def _latest_versions(bases: list[StoredRecord]) -> dict[str, StoredRecord]:
    """The latest version of each publication, in the order publications were first seen."""
    current: dict[str, StoredRecord] = {}
    for record in bases:
        seen = current.get(record.publication)
        if seen is None or record.newer_than(seen):
            current[record.publication] = record
    return current


def merge_records(records: list[StoredRecord]) -> MergedNotice:
    """Derive the served notice from its records (at least one initial or award record)."""
    bases = sorted(
        (r for r in records if r.kind in (RecordKind.notice, RecordKind.award)),
        key=lambda r: (r.kind != RecordKind.notice, r.seq),
    )
    if not bases:
        raise ValueError("a notice needs an initial or award record")
    primary = bases[0]
    current = _latest_versions(bases)
    notice = current[primary.publication].notice
    for key, twin in current.items():
        if key != primary.publication and twin.kind == RecordKind.notice:
            notice = _fill_missing(notice, twin.notice)
    changes = sorted((r for r in records if r.kind == RecordKind.corrigendum), key=_order_key)
    for change in changes:
        notice = _apply_corrigendum(notice, change.notice)
    sources = list(dict.fromkeys(r.notice.id for r in sorted(records, key=lambda r: r.seq)))
    status = notice.status
    kinds = {r.kind for r in records}
    if primary.kind == RecordKind.award:
        status = NoticeStatus.awarded
    elif RecordKind.cancellation in kinds:
        status = NoticeStatus.cancelled
    elif RecordKind.award in kinds:
        status = NoticeStatus.awarded
    merged = notice.model_copy(
        update={"id": primary.notice.id, "sources": sources, "status": status}
    )
    return MergedNotice(notice=merged, kind=primary.kind)
