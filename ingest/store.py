"""Writing notices: idempotent upserts, twins, corrigenda and quarantine.

Each source record is kept (raw and parsed) in ``source_record``; the notice
row is re-derived from all records that describe it (:mod:`ingest.merge`).
A content hash per record decides *unchanged*; the notice's own hash decides
*updated*, and ``indexed_hash`` lags behind it until the vector index has
caught up, which is how the index learns what to (re)embed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, sessionmaker

from ingest.dedupe import buyer_key, same_notice
from ingest.identity import notice_uuid, same_publication
from ingest.merge import StoredRecord, merge_records
from ingest.records import Quarantined
from models.notice import Notice, ParsedRecord, RecordKind
from models.schema import (
    NoticeCpvRow,
    NoticeRow,
    QuarantineRow,
    RecordAliasRow,
    SourceRecordRow,
    utcnow,
)
from models.vocabulary.text import search_key

logger = logging.getLogger(__name__)


class Outcome(StrEnum):
    """What applying one record did (the ``--json`` summary counts these)."""

    ingested = "ingested"  # a new notice
    updated = "updated"  # an existing notice changed (corrigendum, twin, new version)
    unchanged = "unchanged"  # the same record was seen before
    skipped = "skipped"  # not an opportunity (award) or waiting for its parent


def record_hash(record: ParsedRecord) -> str:
    """Hash of what a record means (not of its raw bytes, which may reorder keys)."""
    payload = {
        "kind": record.kind,
        "parents": record.parent_ids,
        "notice": record.notice.model_dump(mode="json"),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def notice_hash(notice: Notice) -> str:
    """Hash of a served notice; the vector index compares against it."""
    return hashlib.sha256(notice.model_dump_json().encode()).hexdigest()


def _twins(a: Notice, b: Notice) -> bool:
    """Same deadline assumed: another source's notice with the same buyer and title."""
    if a.source == b.source or a.buyer is None or b.buyer is None:
        return False
    return same_notice(buyer_a=a.buyer.name, title_a=a.title, buyer_b=b.buyer.name, title_b=b.title)


def _next_seq() -> int:
    """Arrival order across processes: microseconds since the epoch."""
    return time.time_ns() // 1000


def notice_columns(notice: Notice, kind: RecordKind) -> dict[str, Any]:
    """The ``notice`` table columns of a served notice (shared by both write paths)."""
    return {
        "source": notice.source,
        "kind": kind.value,
        "status": notice.status.value,
        "title": notice.title,
        "language": notice.language,
        "nature": notice.nature.value if notice.nature else None,
        "deadline_at": notice.effective_deadline(),
        "published_on": notice.published,
        "buyer_key": buyer_key(notice.buyer.name if notice.buyer else "")[:300],
        # Every buyer of a joint procurement is found by ``?q=``, not only the lead.
        "search_key": search_key(notice.title, *(buyer.name for buyer in notice.buyers)),
        "value_amount": notice.value.amount if notice.value else None,
        "value_currency": notice.value.currency if notice.value else None,
        "document": notice.model_dump(mode="json"),
        "content_hash": notice_hash(notice),
    }


def cpv_codes(notice: Notice) -> list[str]:
    """Every CPV code of a notice and its lots, once each."""
    return list(dict.fromkeys([*notice.cpv, *(c for lot in notice.lots for c in lot.cpv)]))


@dataclass
class _NewNotices:
    """First records of brand-new notices, inserted in bulk at the end of a batch.

    Most records of a bulk load or a nightly run are such records; inserting
    them with executemany instead of the ORM unit of work is what makes
    ingestion run at thousands of notices per second. Anything else first
    flushes this buffer, so every other path sees them as stored rows.
    """

    records: list[dict[str, Any]] = field(default_factory=list)
    notices: list[dict[str, Any]] = field(default_factory=list)
    codes: list[dict[str, Any]] = field(default_factory=list)
    aliases: list[dict[str, Any]] = field(default_factory=list)
    hashes: dict[str, str] = field(default_factory=dict)
    by_deadline: dict[datetime, list[Notice]] = field(default_factory=dict)

    def add(self, record: ParsedRecord, digest: str, aliases: list[str]) -> None:
        notice = record.notice
        merged = merge_records([StoredRecord(record.kind, notice, 0)])
        self.records.append(
            {
                "id": notice.id,
                "notice_id": notice.id,
                "kind": record.kind.value,
                "parent_refs": list(record.parent_ids),
                "raw": record.raw,
                "raw_format": record.raw_format,
                "parsed": notice.model_dump(mode="json"),
                "content_hash": digest,
                "seq": _next_seq(),
                "received_at": utcnow(),
                "notice_uuid": notice_uuid(record),
                "version": record.version,
            }
        )
        now = utcnow()
        columns = notice_columns(merged.notice, merged.kind)
        self.notices.append({"id": notice.id, **columns, "created_at": now, "updated_at": now})
        self.codes.extend({"notice_id": notice.id, "code": c} for c in cpv_codes(notice))
        self.aliases.extend({"alias": a, "record_id": notice.id} for a in aliases)
        self.hashes[notice.id] = digest
        deadline = notice.effective_deadline()
        if deadline is not None and merged.kind == RecordKind.notice:
            self.by_deadline.setdefault(deadline, []).append(notice)

    def flush(self, session: Session) -> None:
        if self.notices:
            session.execute(insert(NoticeRow), self.notices)
            session.execute(insert(SourceRecordRow), self.records)
        if self.codes:
            session.execute(insert(NoticeCpvRow), self.codes)
        if self.aliases:
            session.execute(insert(RecordAliasRow), self.aliases)
        self.records, self.notices, self.codes, self.aliases = [], [], [], []
        self.hashes.clear()
        self.by_deadline.clear()


class NoticeStore:
    """Applies parsed records to the relational store, a batch per transaction."""

    def __init__(self, factory: sessionmaker[Session]) -> None:
        self._factory = factory

    def apply(self, record: ParsedRecord) -> Outcome:
        """Store ``record`` and re-derive the notice it belongs to."""
        return self.apply_batch([record])[0]

    def apply_batch(self, records: Sequence[ParsedRecord]) -> list[Outcome]:
        """Apply ``records`` in order, in one transaction (all or none)."""
        with self._factory() as session, session.begin():
            ids = [record.notice.id for record in records]
            known = {
                row.id: row
                for row in session.scalars(
                    select(SourceRecordRow).where(SourceRecordRow.id.in_(ids))
                )
            }
            orphans = list(
                session.scalars(select(SourceRecordRow).where(SourceRecordRow.notice_id.is_(None)))
            )
            aliases = {a for record in records for a in record.aliases}
            owners = {
                row.alias: row.record_id
                for row in session.scalars(
                    select(RecordAliasRow).where(RecordAliasRow.alias.in_(aliases))
                )
            }
            fresh = _NewNotices()
            outcomes = [self._apply(session, r, known, orphans, fresh, owners) for r in records]
            fresh.flush(session)
            return outcomes

    def _apply(
        self,
        session: Session,
        record: ParsedRecord,
        known: dict[str, SourceRecordRow],
        orphans: list[SourceRecordRow],
        fresh: _NewNotices,
        owners: dict[str, str],
    ) -> Outcome:
        digest = record_hash(record)
        notice = record.notice
        if notice.id in fresh.hashes:
            if fresh.hashes[notice.id] == digest:
                return Outcome.unchanged
            fresh.flush(session)
            known[notice.id] = session.get_one(SourceRecordRow, notice.id)
        existing = known.get(notice.id)
        if existing is not None and existing.content_hash == digest:
            return Outcome.unchanged
        # An alias another record holds stays with it: a reused UUID never moves.
        claimed = [a for a in record.aliases if owners.get(a, notice.id) == notice.id]
        version_of = None
        if existing is None and len(claimed) < len(record.aliases):
            version_of = self._version_of(session, record, owners, fresh)
        if (
            existing is None
            and version_of is None
            and self._is_new_notice(session, record, orphans, fresh)
        ):
            fresh.add(record, digest, claimed)
            owners.update((alias, notice.id) for alias in claimed)
            return Outcome.skipped if record.kind == RecordKind.award else Outcome.ingested
        fresh.flush(session)
        notice_id = version_of or self._target_notice(session, record, existing)
        row = existing or SourceRecordRow(id=notice.id)
        row.notice_id = notice_id
        row.kind = record.kind.value
        row.parent_refs = list(record.parent_ids)
        row.raw = record.raw
        row.raw_format = record.raw_format
        row.parsed = notice.model_dump(mode="json")
        row.content_hash = digest
        row.seq = _next_seq()
        row.notice_uuid = notice_uuid(record)
        row.version = record.version
        session.add(row)
        known[row.id] = row
        for alias in claimed:
            session.merge(RecordAliasRow(alias=alias, record_id=row.id))
            owners[alias] = row.id
        if notice_id is None:
            orphans.append(row)
            return Outcome.skipped
        session.flush()
        created = self._rebuild(session, notice_id)
        if record.kind in (RecordKind.notice, RecordKind.award):
            refs = {notice.id, *record.aliases}
            adopted = [o for o in orphans if refs & set(o.parent_refs or [])]
            if adopted:
                for orphan in adopted:
                    orphan.notice_id = notice_id
                    orphans.remove(orphan)
                session.flush()
                self._rebuild(session, notice_id)
        if record.kind == RecordKind.award:
            return Outcome.skipped
        return Outcome.ingested if created and existing is None else Outcome.updated

    def _is_new_notice(
        self,
        session: Session,
        record: ParsedRecord,
        orphans: list[SourceRecordRow],
        fresh: _NewNotices,
    ) -> bool:
        """A record that starts a notice of its own: no parent, no twin, no waiting corrigendum."""
        if record.kind == RecordKind.award and record.parent_ids:
            return False
        if record.kind not in (RecordKind.notice, RecordKind.award):
            return False
        refs = {record.notice.id, *record.aliases}
        if any(refs & set(o.parent_refs or []) for o in orphans):
            return False
        if record.kind == RecordKind.notice:
            deadline = record.notice.effective_deadline()
            if deadline is not None and any(
                _twins(record.notice, other) for other in fresh.by_deadline.get(deadline, [])
            ):
                return False
            if self._find_twin(session, record.notice) is not None:
                return False
        return True

    def _version_of(
        self,
        session: Session,
        record: ParsedRecord,
        owners: dict[str, str],
        fresh: _NewNotices,
    ) -> str | None:
        """The notice ``record`` is a new version of, when a known record shares its UUID.

        None when the record holding the UUID is another notice (a reused UUID):
        the new record then starts its own notice and the UUID stays with the first.
        """
        fresh.flush(session)
        for alias in record.aliases:
            owner = owners.get(alias)
            row = session.get(SourceRecordRow, owner) if owner else None
            if row is None or row.notice_id is None or row.kind != record.kind.value:
                continue
            if same_publication(record.notice, Notice.model_validate(row.parsed)):
                return row.notice_id
            logger.info(
                "notice UUID reused by another notice",
                extra={"id": record.notice.id, "uuid_holder": owner},
            )
        return None

    def quarantine(self, record: Quarantined, *, run_id: int | None) -> None:
        """Keep a malformed record with its reason (text, code, parameters) so nothing is lost."""
        with self._factory() as session, session.begin():
            session.add(
                QuarantineRow(
                    run_id=run_id,
                    source=record.source,
                    record_ref=record.record_ref[:500],
                    reason=record.reason,
                    reason_code=record.code,
                    reason_params=dict(record.params) if record.code else None,
                    raw=record.raw,
                )
            )

    def rebuild_all(self) -> int:
        """Re-derive every notice from its kept records (after a normaliser change)."""
        with self._factory() as session, session.begin():
            ids = list(session.scalars(select(NoticeRow.id)))
            for notice_id in ids:
                self._rebuild(session, notice_id)
        return len(ids)

    def _target_notice(
        self, session: Session, record: ParsedRecord, existing: SourceRecordRow | None
    ) -> str | None:
        if existing is not None and existing.notice_id is not None:
            return existing.notice_id
        if record.kind in (RecordKind.corrigendum, RecordKind.cancellation) or (
            record.kind == RecordKind.award and record.parent_ids
        ):
            parent = self._resolve(session, record.parent_ids)
            if parent is not None or record.kind != RecordKind.award:
                return parent
        if record.kind == RecordKind.notice:
            twin = self._find_twin(session, record.notice)
            if twin is not None:
                return twin
        return record.notice.id

    def _resolve(self, session: Session, refs: list[str]) -> str | None:
        """The notice a parent reference (record id or alias) belongs to, if ingested."""
        for ref in refs:
            alias = session.get(RecordAliasRow, ref)
            row = session.get(SourceRecordRow, alias.record_id if alias else ref)
            if row is not None and row.notice_id is not None:
                return row.notice_id
        return None

    def _find_twin(self, session: Session, notice: Notice) -> str | None:
        """A stored notice from another source with the same deadline, buyer and title."""
        deadline = notice.effective_deadline()
        if deadline is None or notice.buyer is None:
            return None
        candidates = session.scalars(
            select(NoticeRow).where(
                NoticeRow.deadline_at == deadline,
                NoticeRow.kind == RecordKind.notice.value,
                NoticeRow.source != notice.source,
            )
        )
        for candidate in candidates:
            if _twins(notice, Notice.model_validate(candidate.document)):
                return candidate.id
        return None

    def _rebuild(self, session: Session, notice_id: str) -> bool:
        """Re-derive one notice row from all its records; True when the row is new."""
        rows = session.scalars(
            select(SourceRecordRow).where(SourceRecordRow.notice_id == notice_id)
        ).all()
        stored = [
            StoredRecord(
                RecordKind(r.kind), Notice.model_validate(r.parsed), r.seq, r.notice_uuid, r.version
            )
            for r in rows
        ]
        merged = merge_records(stored)
        row = session.get(NoticeRow, notice_id)
        created = row is None
        columns = notice_columns(merged.notice, merged.kind)
        if row is None:
            row = NoticeRow(id=notice_id)
        elif row.content_hash == columns["content_hash"]:
            return False
        for name, value in columns.items():
            setattr(row, name, value)
        row.cpv_rows = [NoticeCpvRow(code=code) for code in cpv_codes(merged.notice)]
        session.add(row)
        return created
