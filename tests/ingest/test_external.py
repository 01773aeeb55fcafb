"""Ingestion on payloads nobody here wrote (``data/samples/external``, see its PROVENANCE.md).

Each outcome of issue 13: notice identity (a UUID republished, a UUID reused),
deadlines with their kind, prior information, value, joint buyers, TED search
alias fields and language, the DILA BOAMP shape, skipped and quarantined records.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from app.cli.ingest import ingest_paths
from app.notices.queries import NoticeFilter, get_notice, list_notices, present
from app.wiring.context import AppContext
from ingest.files import read_file
from ingest.records import Quarantined, Skipped
from models.notice import DeadlineKind, Notice, NoticeStatus, ParsedRecord
from models.schema import NoticeRow, QuarantineRow, RecordAliasRow, SourceRecordRow
from tests.utils.data import SAMPLES

EXTERNAL = SAMPLES / "external"
SDK = EXTERNAL / "eforms-sdk-1.15.1"
CONVERTED = EXTERNAL / "ted-converted"
PLACEHOLDER_UUID = "f252f386-55ac-4fa8-9be4-9f950b9904c8"


def _parsed(path: Path) -> ParsedRecord:
    (record,) = list(read_file(path))
    assert isinstance(record, ParsedRecord), record
    return record


def _notice(context: AppContext, notice_id: str) -> Notice:
    with context.sessions() as session:
        row = get_notice(session, notice_id)
        assert row is not None, notice_id
        return Notice.model_validate(row.document)


def test_every_external_file_is_accounted_for(context: AppContext) -> None:
    paths = sorted(p for p in EXTERNAL.rglob("*") if p.suffix in {".xml", ".json"})
    summary, unreadable = ingest_paths(context, paths)
    records = 11 + 4 - 1 + 3 + 1  # one record per XML, three TED items, one DILA notice
    assert summary.total == records
    assert unreadable == [
        f"{CONVERTED / '23-119901-001-EXP.xml'}: the file is empty, it holds no record"
    ]
    with context.sessions() as session:
        reasons = list(session.scalars(select(QuarantineRow.reason)))
    assert len(reasons) == summary.quarantined == 1  # INVALID_cn_24_empty.xml
    assert reasons[0].startswith("incomplete eForms notice")
    assert not any("Error" in reason or "SQL" in reason for reason in reasons)


def test_republished_uuid_updates_the_same_notice(context: AppContext) -> None:
    summary, _ = ingest_paths(
        context, [SDK / "pin-buyer_24.xml", SDK / "pin-buyer_24_published.xml"]
    )
    assert (summary.ingested, summary.updated, summary.quarantined) == (1, 1, 0)
    notice = _notice(context, "ted:12345678-2025")
    assert notice.id == "ted:e5dc3c2b-3df5-45e0-af7f-399ca201d7e0"
    assert notice.sources == ["ted:e5dc3c2b-3df5-45e0-af7f-399ca201d7e0", "ted:12345678-2025"]
    assert str(notice.published) == "2025-05-22"  # the published version wins
    with context.sessions() as session:
        assert session.scalar(select(func.count()).select_from(NoticeRow)) == 1
        versions = session.scalars(select(SourceRecordRow.version).order_by(SourceRecordRow.seq))
        assert list(versions) == [1, 2]


def test_reused_uuid_is_another_notice_and_the_uuid_stays_with_the_first(
    context: AppContext,
) -> None:
    converted = ["18-151256-001-EXP.xml", "20-156049-001-EXP.xml", "20-162034-001-EXP.xml"]
    paths = [SDK / "pin-only_24.xml", *(CONVERTED / name for name in converted)]
    summary, _ = ingest_paths(context, paths)
    assert (summary.ingested, summary.quarantined) == (4, 0)
    with context.sessions() as session:
        ids = set(session.scalars(select(NoticeRow.id)))
        holder = session.get_one(RecordAliasRow, f"ted-uuid:{PLACEHOLDER_UUID}")
        uuids = set(session.scalars(select(SourceRecordRow.notice_uuid)))
    assert ids == {
        f"ted:{PLACEHOLDER_UUID}",
        "ted:150049-2018",
        "ted:152048-2020",
        "ted:160552-2020",
    }
    assert holder.record_id == f"ted:{PLACEHOLDER_UUID}"
    assert uuids == {PLACEHOLDER_UUID}  # every raw record is kept with its UUID
    assert _notice(context, "ted:160552-2020").language == "fr"


def test_pin_call_for_competition_closes_on_its_interest_deadline(context: AppContext) -> None:
    notice = _parsed(SDK / "pin-cfc_25.xml").notice
    assert notice.deadline_kind is DeadlineKind.expressions_of_interest
    assert notice.deadline == datetime(2020, 5, 18, 22, 59, 59, tzinfo=UTC)
    assert [d.kind for d in notice.deadlines] == [DeadlineKind.expressions_of_interest]
    ingest_paths(context, [SDK / "pin-cfc_25.xml"])
    with context.sessions() as session:
        row = session.get_one(NoticeRow, notice.id)
        before = datetime(2020, 5, 18, 22, 0, tzinfo=UTC)
        after = datetime(2020, 5, 19, tzinfo=UTC)
        assert present(row, now=before).status is NoticeStatus.open
        assert present(row, now=after).status is NoticeStatus.closed
        opened = list_notices(session, NoticeFilter(open_only=True), limit=5, offset=0, now=after)
        assert opened == (0, [])


def test_cei_and_restricted_deadlines_say_what_they_are_for() -> None:
    cei = _parsed(SDK / "CEI.xml").notice
    assert (cei.deadline_kind, str(cei.deadline)) == (
        DeadlineKind.expressions_of_interest,
        "2024-06-09 23:59:59+02:00",
    )
    negotiated = _parsed(SDK / "cn_24_nego_accel.xml").notice
    assert negotiated.deadline_kind is DeadlineKind.requests_to_participate
    tenders = _parsed(SDK / "cn_24_open.xml").notice
    assert tenders.deadline_kind is DeadlineKind.tenders
    assert tenders.lots[0].deadline_kind is DeadlineKind.tenders


def test_pin_only_keeps_its_parts_as_planned_lots(context: AppContext) -> None:
    notice = _parsed(SDK / "pin-only_24_lots.xml").notice
    assert notice.status is NoticeStatus.planned
    assert [lot.id for lot in notice.lots] == [f"PAR-{n:04d}" for n in range(1, 11)]
    assert notice.lots[0].cpv == ["44111000"] and notice.lots[1].cpv == ["31681410"]
    assert {"44111000", "31681410"} <= set(notice.cpv)
    assert notice.place == ["UK"]
    ingest_paths(context, [SDK / "pin-only_24_lots.xml"])
    with context.sessions() as session:
        now = datetime(2020, 1, 1, tzinfo=UTC)
        listed = list_notices(session, NoticeFilter(), limit=5, offset=0, now=now)
        opened = list_notices(session, NoticeFilter(open_only=True), limit=5, offset=0, now=now)
    assert listed[0] == 1 and opened[0] == 0


def test_value_on_notice_and_joint_buyers() -> None:
    notice = _parsed(SDK / "cn_24_open.xml").notice
    assert notice.value is not None
    assert (notice.value.amount, notice.value.currency) == (500000.0, "EUR")
    joint = _parsed(SDK / "can_25_ENG_Buyers.xml").notice
    assert [b.name for b in joint.buyers] == ["NI Water and its subsidiaries", "Clear Water"]
    assert joint.buyer == joint.buyers[0]


def test_ted_search_alias_fields_and_original_language() -> None:
    records = list(read_file(EXTERNAL / "ted-search/ted_search_v3_alias_fields.json"))
    notices = [r.notice for r in records if isinstance(r, ParsedRecord)]
    assert [n.id for n in notices] == ["ted:475939-2026", "ted:476004-2026", "ted:476409-2026"]
    first = notices[0]
    assert first.title.startswith("Ramavtal avseende kompletteringar")
    assert first.language == "sv"  # Swedish, although a French title variant exists
    assert first.buyer is not None and first.buyer.name == "Region Stockholm - Trafiknämnden"
    assert first.value is not None and (first.value.amount, first.value.currency) == (
        45000000.0,
        "SEK",
    )
    assert str(first.published) == "2026-07-10"
    assert notices[1].deadline_kind is DeadlineKind.tenders


def test_boamp_dila_shape_is_read_like_opendatasoft_records() -> None:
    notice = _parsed(EXTERNAL / "boamp-dila/20-152081.json").notice
    assert notice.id == "boamp:20-152081"
    assert notice.buyer is not None and notice.buyer.name == "Commune de Berre l'Etang"
    assert notice.title.startswith("services de spectacles musicaux")
    assert str(notice.deadline) == "2021-03-01 12:00:00+01:00"
    assert notice.place == ["13"] and notice.nature is not None
    assert [c.name for c in notice.criteria][:1] == [
        "caractères artistiques, esthétiques et d'originalité"
    ]


def test_business_registration_is_skipped_with_its_kind() -> None:
    (result,) = list(read_file(SDK / "X01_EEIG.xml"))
    assert isinstance(result, Skipped) and result.kind == "business-registration"
    (invalid,) = list(read_file(SDK / "INVALID_cn_24_empty.xml"))
    assert isinstance(invalid, Quarantined)
