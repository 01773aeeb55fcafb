"""eForms XML parsing, checked against the real and official sample notices."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from ingest.errors import MalformedRecordError
from ingest.parse.eforms import (
    eforms_identity,
    language_code,
    normalise_publication_number,
    nuts_country,
    parse_eforms_xml,
)
from models.notice import AwardCriterion, NoticeStatus, RecordKind
from models.paths import BUNDLED_DATA_DIR

TED_SAMPLES = BUNDLED_DATA_DIR / "samples" / "ted"
CET = timezone(timedelta(hours=1))
CEST = timezone(timedelta(hours=2))


def sample(name: str) -> bytes:
    return (TED_SAMPLES / name).read_bytes()


def swap(name: str, old: str, new: str) -> bytes:
    """A sample with one piece of its text replaced, to build edge cases from real data."""
    text = sample(name).decode("utf-8")
    assert old in text
    return text.replace(old, new).encode("utf-8")


@pytest.mark.parametrize("path", sorted(TED_SAMPLES.glob("*.xml")), ids=lambda p: p.name)
def test_parse_every_sample(path: Path) -> None:
    record = parse_eforms_xml(path.read_bytes())
    assert record.notice.id.startswith("ted:")
    assert record.notice.title
    assert record.notice.source == "ted"
    assert record.notice.cpv and all(len(code) == 8 for code in record.notice.cpv)
    assert record.notice.lots
    assert record.raw_format == "eforms-xml"
    assert record.raw.lstrip().startswith("<")
    assert record.aliases == [f"ted-uuid:{eforms_identity(path.read_bytes()).uuid}"]


def test_parse_real_french_notice_643121() -> None:
    record = parse_eforms_xml(sample("eforms_real_643121-2023_FRA_cn-standard.xml"))
    notice = record.notice
    assert record.kind == RecordKind.notice
    assert record.parent_ids == []
    assert notice.id == "ted:643121-2023"
    assert notice.language == "fr"
    assert notice.title == (
        "Concession relative à l'exploitation d'une station-service sur l'autoroute A6 "
        "(direction Luxembourg)"
    )
    assert notice.description.endswith("- aire de Capellen")
    assert notice.buyer is not None
    assert notice.buyer.name == "Ministère de la Mobilité et des Travaux publics"
    assert notice.buyer.id == "LU15545561"
    assert notice.cpv == ["63712600", "79993100", "98390000"]
    assert notice.deadline == datetime(2023, 12, 7, 17, 0, tzinfo=CET)
    assert notice.published == date(2023, 10, 23)
    assert notice.place == ["LU000", "LU"]
    assert notice.nature is not None and notice.nature.value == "services"
    assert notice.status == NoticeStatus.open
    assert notice.url == "https://ted.europa.eu/en/notice/-/detail/643121-2023"
    [lot] = notice.lots
    assert lot.id == "LOT-0001"
    assert lot.cpv == ["63712600"]
    assert lot.deadline == datetime(2023, 12, 7, 17, 0, tzinfo=CET)
    assert lot.title.startswith("Concession relative")


def test_parse_real_notice_with_three_lots_547670() -> None:
    notice = parse_eforms_xml(sample("eforms_real_547670-2023_FRA_cn-social.xml")).notice
    assert notice.id == "ted:547670-2023"
    assert [lot.id for lot in notice.lots] == ["LOT-0001", "LOT-0002", "LOT-0003"]
    assert [lot.title for lot in notice.lots] == ["2023UN021 - 1", "2023UN021 - 2", "2023UN021 - 3"]
    assert notice.lots[0].cpv == ["55000000", "55500000"]
    assert notice.cpv == ["55000000", "55500000"]
    assert notice.deadline == datetime(2023, 10, 11, 14, 0, tzinfo=CEST)
    assert notice.place == ["BE352", "BE"]
    assert notice.buyer is not None and notice.buyer.name == "Université de Namur"
    # Criteria without a name are named after their description, shortened.
    criteria = notice.lots[0].criteria
    assert len(criteria) == 3
    assert criteria[0].name.startswith("Le soumissionnaire indiquera")
    assert all(len(c.name) <= 201 and c.weight is None for c in criteria)
    assert notice.criteria == []  # the lots' criteria differ


def test_parse_real_german_notice_falls_back_to_buyer_place() -> None:
    notice = parse_eforms_xml(sample("eforms_real_622691-2023_DEU_cn-standard.xml")).notice
    assert notice.language == "de"
    assert notice.nature is not None and notice.nature.value == "supplies"
    assert notice.deadline == datetime(2026, 12, 31, 23, 59, tzinfo=CET)
    assert notice.place == ["DE"]  # no place of performance: the buyer's country
    assert notice.buyer is not None
    assert notice.buyer.name == "KKH Kaufmännische Krankenkasse"
    assert notice.buyer.id is None  # its CompanyID is its name, not an identifier


def test_parse_real_english_notice_309890() -> None:
    notice = parse_eforms_xml(sample("eforms_real_309890-2023_ENG_cn-standard.xml")).notice
    assert notice.id == "ted:309890-2023"
    assert notice.language == "en"
    assert notice.deadline == datetime(2023, 7, 11, 16, 0, tzinfo=CEST)
    assert notice.published == date(2023, 5, 25)  # PublicationDate, not IssueDate
    assert notice.place == ["ITC41", "IT"]
    assert [(c.name, c.weight) for c in notice.criteria] == [("price", 40.0), ("quality", 60.0)]


def test_parse_design_contest_uses_participation_deadline() -> None:
    notice = parse_eforms_xml(sample("eforms_real_634805-2022_FRA_cn-desg.xml")).notice
    assert notice.id == "ted:634805-2022"
    assert notice.deadline == datetime(2020, 6, 5, 12, 0, tzinfo=CET)
    assert notice.cpv == ["71000000"]


def test_parse_multilingual_notice_picks_the_notice_language() -> None:
    notice = parse_eforms_xml(sample("eforms_cn_24_multilingual.xml")).notice
    assert notice.language == "en"
    assert notice.title == (
        "Provision of IT Services Related to OP IT Systems "
        "(EUR-Lex, N-Lex, Search Layer, and Others)"
    )
    assert notice.description.startswith("Provision of IT services related to")
    assert notice.buyer is not None
    assert notice.buyer.name == "Publications Office of the European Union"
    assert notice.cpv == ["72230000", "72260000"]
    assert [c.weight for c in notice.criteria] == [70.0, 30.0]
    assert notice.deadline == datetime(2020, 2, 3, 13, 0, tzinfo=UTC)


def test_parse_multilingual_notice_in_french_when_french_is_the_notice_language() -> None:
    data = swap(
        "eforms_cn_24_multilingual.xml",
        "<cbc:NoticeLanguageCode>ENG</cbc:NoticeLanguageCode>",
        "<cbc:NoticeLanguageCode>FRA</cbc:NoticeLanguageCode>",
    )
    notice = parse_eforms_xml(data).notice
    assert notice.language == "fr"
    assert notice.title.startswith("Fourniture de services informatiques liés aux systèmes")
    assert notice.buyer is not None
    assert notice.buyer.name == "Office des publications de l'Union européenne"


def test_parse_falls_back_to_the_first_language() -> None:
    data = swap(
        "eforms_real_643121-2023_FRA_cn-standard.xml",
        '<cbc:NoticeLanguageCode listName="language">FRA</cbc:NoticeLanguageCode>',
        '<cbc:NoticeLanguageCode listName="language">ITA</cbc:NoticeLanguageCode>',
    )
    notice = parse_eforms_xml(data).notice
    assert notice.language == "fr"
    assert notice.title.startswith("Concession relative")


def test_parse_change_notice_is_a_corrigendum_of_its_parent() -> None:
    data = sample("eforms_change-cn_24_open_dates.xml")
    record = parse_eforms_xml(data)
    assert record.kind == RecordKind.corrigendum
    assert record.parent_ids == ["ted-uuid:c4c415ee-ac08-4465-8fa6-57568cf69462"]
    assert record.notice.status == NoticeStatus.open
    assert record.notice.deadline == datetime(2020, 6, 12, 12, 0, tzinfo=CET)
    # The parent is the official "open" example: same UUID, earlier deadline.
    parent = parse_eforms_xml(sample("eforms_cn_24_open.xml"))
    assert parent.aliases == ["ted-uuid:c4c415ee-ac08-4465-8fa6-57568cf69462"]
    assert parent.notice.deadline == datetime(2020, 4, 3, 12, 0, tzinfo=CET)
    identity = eforms_identity(data)
    assert identity.changed_notice_uuid == "c4c415ee-ac08-4465-8fa6-57568cf69462"
    assert identity.notice_id == "ted:71397268-6c47-4f2f-8ab0-f41a26138f81"


def test_parse_change_notice_with_cancel_reason_is_a_cancellation() -> None:
    data = swap(
        "eforms_change-cn_24_open_dates.xml",
        '<cbc:ReasonCode listName="change-corrig-justification">update-add</cbc:ReasonCode>',
        '<cbc:ReasonCode listName="change-corrig-justification">cancel</cbc:ReasonCode>',
    )
    record = parse_eforms_xml(data)
    assert record.kind == RecordKind.cancellation
    assert record.notice.status == NoticeStatus.cancelled
    assert record.parent_ids == ["ted-uuid:c4c415ee-ac08-4465-8fa6-57568cf69462"]


def test_parse_award_notice() -> None:
    record = parse_eforms_xml(sample("eforms_can_24_minimal.xml"))
    assert record.kind == RecordKind.award
    assert record.notice.status == NoticeStatus.awarded
    assert record.notice.id == "ted:65667997-031a-4198-bd25-7225449ef479"
    assert record.notice.published == date(2019, 10, 23)  # root IssueDate, not the contract's
    assert record.notice.cpv == ["77310000"]
    assert record.notice.url is None  # unpublished SDK example


@pytest.mark.parametrize(
    ("code", "kind", "status"),
    [
        ("pin-only", RecordKind.notice, NoticeStatus.planned),
        ("pin-cfc-standard", RecordKind.notice, NoticeStatus.open),
        ("cn-social", RecordKind.notice, NoticeStatus.open),
        ("veat", RecordKind.award, NoticeStatus.awarded),
        ("can-modif", RecordKind.award, NoticeStatus.awarded),
    ],
)
def test_parse_notice_type_decides_kind(code: str, kind: RecordKind, status: NoticeStatus) -> None:
    data = swap(
        "eforms_real_643121-2023_FRA_cn-standard.xml",
        ">cn-standard</cbc:NoticeTypeCode>",
        f">{code}</cbc:NoticeTypeCode>",
    )
    record = parse_eforms_xml(data)
    assert (record.kind, record.notice.status) == (kind, status)


def test_parse_unknown_notice_type_falls_back_on_the_root_element() -> None:
    data = swap("eforms_can_24_minimal.xml", ">can-standard<", ">can-future<")
    assert parse_eforms_xml(data).kind == RecordKind.award
    data = swap("eforms_can_24_minimal.xml", ">can-standard<", ">xyz<")
    assert parse_eforms_xml(data).kind == RecordKind.award
    data = swap("eforms_cn_24_open.xml", ">cn-standard<", ">xyz<")
    assert parse_eforms_xml(data).notice.status == NoticeStatus.open


def test_parse_business_registration_notice_raises() -> None:
    data = swap("eforms_cn_24_open.xml", ">cn-standard<", ">brin-ecs<")
    with pytest.raises(MalformedRecordError, match="not a procurement notice"):
        parse_eforms_xml(data)


def test_parse_invalid_lot_raises() -> None:
    data = swap("eforms_cn_24_open.xml", ">LOT-0000</cbc:ID>", f">{'L' * 101}</cbc:ID>")
    with pytest.raises(MalformedRecordError, match="invalid lot"):
        parse_eforms_xml(data)


def test_parse_weights_ignore_order_of_importance() -> None:
    data = swap(
        "eforms_cn_24_open.xml", ">per-exa</efbc:ParameterCode>", ">ord-imp</efbc:ParameterCode>"
    )
    criteria = parse_eforms_xml(data).notice.criteria
    assert criteria[0] == AwardCriterion(name="Methodology and approach", weight=None)


def test_parse_siret_buyer_id_is_compacted() -> None:
    data = swap(
        "eforms_can_24_minimal.xml",
        "<cbc:CompanyID>123 456 789</cbc:CompanyID>",
        "<cbc:CompanyID>130 025 265 00013</cbc:CompanyID>",
    )
    notice = parse_eforms_xml(data).notice
    assert notice.buyer is not None and notice.buyer.id == "13002526500013"


def test_identity_of_published_notice() -> None:
    identity = eforms_identity(sample("eforms_real_643121-2023_FRA_cn-standard.xml"))
    assert identity.uuid == "5afb0856-911e-4253-acd2-5a21358ac68f"
    assert identity.version == 1
    assert identity.publication_number == "643121-2023"
    assert identity.notice_type == "cn-standard"
    assert identity.changed_notice_uuid is None
    assert eforms_identity(sample("eforms_cn_24_maximal.xml")).version == 3


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "not well-formed"),
        (b"<ContractNotice><unclosed></ContractNotice>", "not well-formed"),
        (b"<TED_EXPORT/>", "legacy TED XML schema"),
        (b'<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>', "root"),
        (
            b'<ContractNotice xmlns="urn:oasis:names:specification:ubl:schema:xsd:'
            b'ContractNotice-2"/>',
            "neither a notice identifier .cbc:ID. nor a publication number",
        ),
    ],
)
def test_parse_malformed_xml_raises(data: bytes, reason: str) -> None:
    with pytest.raises(MalformedRecordError, match=reason):
        parse_eforms_xml(data)


def test_parse_without_title_raises() -> None:
    text = sample("eforms_real_643121-2023_FRA_cn-standard.xml").decode("utf-8")
    text = text.replace('<cbc:Name languageID="FRA">Concession relative', "<cbc:Note>")
    text = text.replace("(direction Luxembourg)</cbc:Name>", "</cbc:Note>")
    with pytest.raises(MalformedRecordError, match="ted:643121-2023: no title"):
        parse_eforms_xml(text.encode("utf-8"))


def test_parse_bad_deadline_raises() -> None:
    data = swap(
        "eforms_real_643121-2023_FRA_cn-standard.xml",
        "<cbc:EndDate>2023-12-07+01:00</cbc:EndDate>",
        "<cbc:EndDate>07/12/2023</cbc:EndDate>",
    )
    with pytest.raises(MalformedRecordError, match="bad date"):
        parse_eforms_xml(data)


def test_parse_ignores_external_entities() -> None:
    data = swap(
        "eforms_real_643121-2023_FRA_cn-standard.xml",
        "<ContractNotice ",
        '<!DOCTYPE ContractNotice [<!ENTITY x SYSTEM "file:///etc/passwd">]><ContractNotice ',
    ).replace(b"Concession relative", b"&x;Concession relative", 1)
    notice = parse_eforms_xml(data).notice
    assert "root:" not in notice.title


def test_vocabulary_helpers() -> None:
    assert normalise_publication_number("00643121-2023") == "643121-2023"
    assert normalise_publication_number("443934-2026") == "443934-2026"
    assert normalise_publication_number("2023/S 204-643121") is None
    assert language_code("FRA") == "fr" and language_code("deu") == "de"
    assert language_code("XXX") is None
    assert nuts_country("GRC") == "EL" and nuts_country("FRA") == "FR"
    assert nuts_country("USA") is None
