"""The notice store on real devset notices: idempotence, corrigenda, twins, quarantine."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import func, select

from app.notices.queries import get_notice
from app.wiring.context import AppContext
from ingest.parse.notice_json import parse_notice_json_line
from ingest.records import Quarantined
from ingest.store import NoticeStore, Outcome
from models.notice import Notice, NoticeStatus, ParsedRecord, RecordKind
from models.schema import NoticeCpvRow, NoticeRow, QuarantineRow, SourceRecordRow
from tests.utils.data import devset_lines

DEADLINE = "2030-03-02T12:00:00+01:00"


def _ted_line(index: int = 2000) -> dict[str, object]:
    """A real TED notice of the devset with a deadline and a lot added."""
    for line in devset_lines(2555)[index:]:
        data = json.loads(line)
        if data["id"].startswith("ted:") and data.get("buyer"):
            data["deadline"] = DEADLINE
            data["lots"] = [{"id": "LOT-0001", "title": data["title"], "cpv": data["cpv"][:1]}]
            return data
    raise AssertionError("no TED notice in the devset")


def _record(
    data: dict[str, object], kind: RecordKind = RecordKind.notice, **extra: object
) -> ParsedRecord:
    notice = Notice.model_validate(data)
    return ParsedRecord(
        kind=kind, notice=notice, raw=json.dumps(data), raw_format="notice-json", **extra
    )


def test_apply_same_record_twice_is_unchanged(context: AppContext) -> None:
    store = NoticeStore(context.sessions)
    record = parse_notice_json_line(devset_lines(1)[0])
    assert store.apply(record) is Outcome.ingested
    assert store.apply(record) is Outcome.unchanged
    with context.sessions() as session:
        assert session.scalar(select(func.count()).select_from(NoticeRow)) == 1
        row = session.get_one(NoticeRow, record.notice.id)
        assert row.document["title"] == record.notice.title
        codes = session.scalars(select(NoticeCpvRow.code)).all()
        assert list(codes) == record.notice.cpv
        kept = session.get_one(SourceRecordRow, record.notice.id)
        assert kept.raw == record.raw  # the raw payload is kept for re-normalisation


def test_apply_changed_record_updates_notice(context: AppContext) -> None:
    store = NoticeStore(context.sessions)
    data = _ted_line()
    store.apply(_record(data))
    data["title"] = "Nouveau titre après modification"
    assert store.apply(_record(data)) is Outcome.updated
    with context.sessions() as session:
        assert session.get_one(NoticeRow, data["id"]).title == "Nouveau titre après modification"


def test_corrigendum_updates_parent_and_cancellation_closes_it(context: AppContext) -> None:
    store = NoticeStore(context.sessions)
    data = _ted_line()
    store.apply(_record(data))
    change = dict(data, id="ted:999001-2030", deadline="2030-03-16T12:00:00+01:00", lots=[])
    outcome = store.apply(_record(change, RecordKind.corrigendum, parent_ids=[str(data["id"])]))
    assert outcome is Outcome.updated
    with context.sessions() as session:
        row = session.get_one(NoticeRow, data["id"])
        assert row.deadline_at == datetime(2030, 3, 16, 11, 0, tzinfo=UTC)
        assert row.document["lots"][0]["id"] == "LOT-0001"  # not cleared by an empty field
        assert row.document["sources"] == [data["id"], "ted:999001-2030"]
        # the corrigendum id resolves to its parent
        assert get_notice(session, "ted:999001-2030") is not None
    cancel = dict(data, id="ted:999002-2030")
    store.apply(_record(cancel, RecordKind.cancellation, parent_ids=[str(data["id"])]))
    with context.sessions() as session:
        assert session.get_one(NoticeRow, data["id"]).status == NoticeStatus.cancelled.value
        assert session.scalar(select(func.count()).select_from(NoticeRow)) == 1


def test_corrigendum_before_its_parent_is_kept_then_applied(context: AppContext) -> None:
    store = NoticeStore(context.sessions)
    data = _ted_line()
    change = dict(data, id="ted:999003-2030", title="Titre rectifié")
    early = _record(change, RecordKind.corrigendum, parent_ids=["ted-uuid:abc"])
    assert store.apply(early) is Outcome.skipped
    with context.sessions() as session:
        assert session.scalar(select(func.count()).select_from(NoticeRow)) == 0
    assert store.apply(_record(data, aliases=["ted-uuid:abc"])) is Outcome.ingested
    with context.sessions() as session:
        assert session.get_one(NoticeRow, data["id"]).title == "Titre rectifié"


def test_same_notice_from_boamp_and_ted_becomes_one(context: AppContext) -> None:
    store = NoticeStore(context.sessions)
    ted = _ted_line()
    buyer = ted["buyer"]
    assert isinstance(buyer, dict)
    boamp = dict(
        ted,
        id="boamp:30-12345",
        source="boamp",
        title=f"France – Services – {ted['title']}",
        buyer={"name": str(buyer["name"]).upper(), "id": "21590368300013"},
        lots=[],
    )
    store.apply(_record(ted))
    assert store.apply(_record(boamp)) is Outcome.updated
    with context.sessions() as session:
        assert session.scalar(select(func.count()).select_from(NoticeRow)) == 1
        row = session.get_one(NoticeRow, ted["id"])
        assert row.document["sources"] == [ted["id"], "boamp:30-12345"]
        assert row.document["buyer"]["id"] == "21590368300013"  # filled from the twin
        assert get_notice(session, "boamp:30-12345") is row


def test_different_buyer_same_deadline_is_not_a_twin(context: AppContext) -> None:
    store = NoticeStore(context.sessions)
    ted = _ted_line()
    other = dict(ted, id="boamp:30-777", source="boamp", buyer={"name": "Commune de Roubaix"})
    store.apply(_record(ted))
    assert store.apply(_record(other)) is Outcome.ingested


def test_award_is_stored_but_not_an_opportunity(context: AppContext) -> None:
    store = NoticeStore(context.sessions)
    data = dict(_ted_line(), status="awarded")
    assert store.apply(parse_notice_json_line(json.dumps(data))) is Outcome.skipped
    with context.sessions() as session:
        row = session.get_one(NoticeRow, data["id"])
        assert row.kind == RecordKind.award.value


def test_quarantine_keeps_reason_and_raw(context: AppContext) -> None:
    store = NoticeStore(context.sessions)
    kept = Quarantined(source="boamp", record_ref="x#1", reason="no idweb", raw="{}")
    store.quarantine(kept, run_id=None)
    with context.sessions() as session:
        row = session.scalars(select(QuarantineRow)).one()
        assert (row.reason, row.raw) == ("no idweb", "{}")


def test_rebuild_all_rederives_from_kept_records(context: AppContext) -> None:
    store = NoticeStore(context.sessions)
    for line in devset_lines(5):
        store.apply(parse_notice_json_line(line))
    assert store.rebuild_all() == 5
