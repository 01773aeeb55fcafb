"""``min_value``/``max_value`` on notice lists and member matches, on real eForms values."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from fastapi.testclient import TestClient

from app.cli.ingest import ingest_paths
from app.matching.filters import ValueRange, apply_filters
from app.wiring.background import sync_once
from app.wiring.context import AppContext
from ingest.files import read_file
from ingest.parse.notice_json import parse_notice_json_line
from ingest.store import NoticeStore
from models.notice import ParsedRecord
from tests.utils.auth import member_headers
from tests.utils.data import SAMPLES, devset_lines
from tests.utils.people import load_people

SDK = SAMPLES / "external" / "eforms-sdk-1.15.1"
# cn_24_open: 500,000 EUR; pin-only_24_lots: 750,000,000 EUR; CEI: no value given.
FILES = [SDK / "cn_24_open.xml", SDK / "pin-only_24_lots.xml", SDK / "CEI.xml"]


def _ids(client: TestClient, context: AppContext, query: str) -> list[str]:
    response = client.get(f"/api/notices?{query}", headers=member_headers(context, "m-web"))
    assert response.status_code == 200, response.text
    return sorted(item["id"] for item in response.json()["items"])


def test_notice_list_value_bounds(context: AppContext, client: TestClient) -> None:
    load_people(context)
    ingest_paths(context, FILES)
    assert len(_ids(client, context, "")) == 3
    assert _ids(client, context, "min_value=100000&max_value=1000000") == [
        "ted:c4c415ee-ac08-4465-8fa6-57568cf69462"
    ]
    assert _ids(client, context, "min_value=1000000") == [
        "ted:199b243b-4daf-4d7d-ba7c-f37f88102480"
    ]
    listed = client.get("/api/notices?max_value=1000000", headers=member_headers(context, "m-web"))
    assert listed.json()["items"][0]["value"] == {"amount": 500000.0, "currency": "EUR"}


def test_value_bounds_refused_when_reversed(context: AppContext, client: TestClient) -> None:
    load_people(context)
    headers = member_headers(context, "m-web")
    for path in ("/api/notices", "/api/members/m-web/matches"):
        response = client.get(f"{path}?min_value=10&max_value=5", headers=headers)
        assert response.status_code == 422
        assert response.json()["error"]["fields"][0]["field"] == "query.max_value"
    negative = client.get("/api/notices?min_value=-1", headers=headers)
    assert negative.status_code == 422


def _devset_with_values(count: int) -> tuple[dict[str, float | None], list[ParsedRecord]]:
    """Real devset notices, given 5 M, 50 k or no estimated value in turn."""
    records: list[ParsedRecord] = []
    values: dict[str, float | None] = {}
    for index, line in enumerate(devset_lines(count)):
        data = json.loads(line)
        amount = (5_000_000.0, 50_000.0, None)[index % 3]
        if amount is not None:
            data["value"] = {"amount": amount, "currency": "EUR"}
        records.append(parse_notice_json_line(json.dumps(data)))
        values[data["id"]] = amount
    return values, records


def test_member_matches_apply_the_value_range(context: AppContext, client: TestClient) -> None:
    values, records = _devset_with_values(80)
    NoticeStore(context.sessions).apply_batch(records)
    load_people(context)
    assert sync_once(context)
    headers = member_headers(context, "m-web")
    query = "include_closed=true&limit=30"
    every = client.get(f"/api/members/m-web/matches?{query}", headers=headers).json()["matches"]
    cheap = client.get(f"/api/members/m-web/matches?{query}&max_value=1000000", headers=headers)
    kept = cheap.json()["matches"]
    assert any(values[m["notice_id"]] == 5_000_000.0 for m in every)
    assert kept and all(values[m["notice_id"]] in (50_000.0, None) for m in kept)
    for match in kept:
        (detail,) = [r["detail"] for r in match["reasons"] if r.get("name") == "value"]
        expected = (
            "value not given: kept"
            if values[match["notice_id"]] is None
            else ("estimated value 50,000 EUR within 0–1,000,000")
        )
        assert detail == expected


def test_value_filter_reasons() -> None:
    (record,) = list(read_file(SDK / "cn_24_open.xml"))
    assert isinstance(record, ParsedRecord)
    now = datetime(2020, 1, 1, tzinfo=UTC)
    inside = apply_filters(record.notice, now=now, value_range=ValueRange(100_000, 1_000_000))
    outside = apply_filters(record.notice, now=now, value_range=ValueRange(maximum=100_000))
    plain = apply_filters(record.notice, now=now)
    assert inside[-1].passed and inside[-1].detail == (
        "estimated value 500,000 EUR within 100,000–1,000,000"
    )
    assert not outside[-1].passed
    assert plain[-1].detail == "estimated value 500,000 EUR"


def test_prior_information_is_never_an_open_match() -> None:
    (record,) = list(read_file(SDK / "pin-only_24_lots.xml"))
    assert isinstance(record, ParsedRecord)
    now = datetime(2020, 1, 1, tzinfo=UTC)
    (default,) = apply_filters(record.notice, now=now)[:1]
    (asked,) = apply_filters(record.notice, now=now, include_closed=True)[:1]
    assert not default.passed and asked.passed
    assert default.detail == asked.detail == "prior information: the call is announced"
