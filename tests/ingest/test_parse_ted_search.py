"""TED Search API v3 items: the real stored response and items in the documented shapes."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest

from ingest.errors import MalformedRecordError
from ingest.parse.ted_search import (
    iter_ted_search_response,
    parse_ted_search_notice,
    strip_title_prefix,
)
from models.notice import NoticeStatus, RecordKind
from models.paths import BUNDLED_DATA_DIR

REAL_RESPONSE = BUNDLED_DATA_DIR / "samples" / "ted" / "ted_api_v3_response_minimal_fields.json"
CEST = timezone(timedelta(hours=2))


def make_item(**overrides: Any) -> dict[str, Any]:
    """An item with the fields and value shapes listed in DATA-FORMATS.md, section 2."""
    item: dict[str, Any] = {
        "publication-number": "00443934-2026",
        "notice-identifier": "5afb0856-911e-4253-acd2-5a21358ac68f",
        "notice-version": "1",
        "notice-type": "cn-standard",
        "notice-title": {
            "eng": ["France – Project management consultancy services – Owner's assistance"],
            "fra": [
                "France – Services de conseil en gestion de projet – "
                "Assistance à maîtrise d&#039;ouvrage"
            ],
        },
        "buyer-name": {"fra": ["HABELLIS (21)"]},
        "buyer-country": ["FRA"],
        "description-proc": {"fra": ["Mission d&#039;AMO\npour le système d’information"]},
        "classification-cpv": ["72224000", "72224000", "79400000-8"],
        "place-of-performance": ["FRC11", "FRA"],
        "deadline-receipt-tender-date-lot": ["2026-09-30+02:00", "2026-10-02+02:00"],
        "deadline-receipt-tender-time-lot": ["12:00:00+02:00", "10:00:00+02:00"],
        "publication-date": "2026-06-29+02:00",
        "links": {"xml": {"MUL": "https://ted.europa.eu/en/notice/443934-2026/xml"}},
    }
    item.update(overrides)
    return item


def test_iter_real_response_and_quarantine_items_without_title() -> None:
    payload = json.loads(REAL_RESPONSE.read_text(encoding="utf-8"))
    items = list(iter_ted_search_response(payload))
    assert len(items) == payload["totalNoticeCount"] == 2
    assert items[0]["links"]["xml"]["MUL"] == "https://ted.europa.eu/en/notice/67623-2022/xml"
    # The stored response asked only for ND, PD, RN and links: no title to build a notice on.
    with pytest.raises(MalformedRecordError, match="ted:67623-2022: no notice-title"):
        parse_ted_search_notice(items[0])


def test_parse_real_item_with_a_title_reads_the_legacy_fields() -> None:
    payload = json.loads(REAL_RESPONSE.read_text(encoding="utf-8"))
    item = dict(next(iter_ted_search_response(payload)), **{"notice-title": "Cleaning"})
    del item["publication-number"]
    notice = parse_ted_search_notice(item).notice
    assert notice.id == "ted:67623-2022"  # from ND
    # PD is midnight Brussels written in UTC: 2022-02-06T23:00:00Z is the 7th.
    assert notice.published == date(2022, 2, 7)
    assert notice.url == "https://ted.europa.eu/en/notice/-/detail/67623-2022"


def test_parse_item_prefers_french_and_strips_the_title_prefix() -> None:
    record = parse_ted_search_notice(make_item())
    notice = record.notice
    assert record.kind == RecordKind.notice
    assert record.raw_format == "ted-search-item"
    assert json.loads(record.raw)["publication-number"] == "00443934-2026"
    assert record.aliases == ["ted-uuid:5afb0856-911e-4253-acd2-5a21358ac68f"]
    assert notice.id == "ted:443934-2026"
    assert notice.language == "fr"
    assert notice.title == "Assistance à maîtrise d'ouvrage"
    assert notice.description == "Mission d'AMO\npour le système d'information"
    assert notice.buyer is not None and notice.buyer.name == "HABELLIS (21)"
    assert notice.cpv == ["72224000", "79400000"]
    assert notice.place == ["FRC11", "FR"]
    assert notice.deadline == datetime(2026, 10, 2, 10, 0, tzinfo=CEST)
    assert notice.published == date(2026, 6, 29)
    assert notice.status == NoticeStatus.open
    assert notice.url == "https://ted.europa.eu/en/notice/-/detail/443934-2026"
    assert notice.lots == []


def test_parse_item_plain_strings_and_other_languages() -> None:
    item = make_item(
        **{
            "notice-title": {"deu": ["Reinigung"], "eng": ["Cleaning services"]},
            "buyer-name": "Stadt Köln",
            "description-proc": None,
            "description-lot": {"eng": ["Lot description"]},
        }
    )
    notice = parse_ted_search_notice(item).notice
    assert notice.title == "Cleaning services"
    assert notice.language == "en"
    assert notice.buyer is not None and notice.buyer.name == "Stadt Köln"
    assert notice.description == "Lot description"
    german = parse_ted_search_notice(make_item(**{"notice-title": {"deu": ["Reinigung"]}}))
    assert (german.notice.title, german.notice.language) == ("Reinigung", "de")


def test_parse_item_deadline_when_times_cannot_be_zipped() -> None:
    item = make_item(**{"deadline-receipt-tender-time-lot": ["12:00:00+02:00"]})
    assert parse_ted_search_notice(item).notice.deadline == datetime(
        2026, 10, 2, 23, 59, tzinfo=CEST
    )


def test_parse_item_places_fall_back_to_buyer_country_and_drop_unknown_codes() -> None:
    item = make_item(**{"place-of-performance": None, "buyer-country": ["GRC"]})
    assert parse_ted_search_notice(item).notice.place == ["EL"]
    item = make_item(**{"place-of-performance": ["USA", "FRY40", "DEU"]})
    assert parse_ted_search_notice(item).notice.place == ["FRY40", "DE"]


@pytest.mark.parametrize(
    ("overrides", "kind", "status", "parents"),
    [
        ({"notice-type": "can-standard"}, RecordKind.award, NoticeStatus.awarded, []),
        ({"notice-type": {"eng": ["pin-only"]}}, RecordKind.notice, NoticeStatus.planned, []),
        ({"notice-type": "corr"}, RecordKind.corrigendum, NoticeStatus.open, []),
        (
            {"change-notice-version-identifier": ["c4c415ee-ac08-4465-8fa6-57568cf69462-01"]},
            RecordKind.corrigendum,
            NoticeStatus.open,
            ["ted-uuid:c4c415ee-ac08-4465-8fa6-57568cf69462"],
        ),
    ],
)
def test_parse_item_kind(
    overrides: dict[str, Any], kind: RecordKind, status: NoticeStatus, parents: list[str]
) -> None:
    record = parse_ted_search_notice(make_item(**overrides))
    assert (record.kind, record.notice.status, record.parent_ids) == (kind, status, parents)


def test_parse_item_without_publication_number_raises() -> None:
    with pytest.raises(MalformedRecordError, match="without a publication number"):
        parse_ted_search_notice(make_item(**{"publication-number": None}))


def test_parse_item_with_a_bad_deadline_raises() -> None:
    item = make_item(**{"deadline-receipt-tender-date-lot": ["30/09/2026"]})
    with pytest.raises(MalformedRecordError, match="ted:443934-2026"):
        parse_ted_search_notice(item)


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("France – Services de nettoyage de bureaux – Nettoyage", "Nettoyage"),
        ("Belgium – Office cleaning services – Cleaning – lot 2", "Cleaning – lot 2"),
        ("Travaux – phase 2 – gros œuvre", "Travaux – phase 2 – gros œuvre"),
        ("Audit du système d'information", "Audit du système d'information"),
    ],
)
def test_strip_title_prefix(title: str, expected: str) -> None:
    assert strip_title_prefix(title) == expected


def test_iter_response_skips_non_objects() -> None:
    assert list(iter_ted_search_response({"notices": [{"a": 1}, "x", None]})) == [{"a": 1}]
    assert list(iter_ted_search_response({"totalNoticeCount": 0})) == []
