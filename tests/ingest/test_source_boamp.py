"""The BOAMP connector against an in-process fake of the Opendatasoft API (httpx.MockTransport).

The fake serves pages cut from real sample records (copied under new idwebs
and publication dates when a test needs many), applies the ``where`` window,
``limit`` and ``offset`` like the portal does, and refuses what the portal
refuses (``limit`` > 100, ``offset + limit`` > 10,000).
"""

from __future__ import annotations

import json
import logging
import re
from collections import deque
from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from ingest.errors import SourceUnavailableError
from ingest.parse.boamp import parse_boamp_record
from ingest.sources.boamp import RECORDS_PATH, BoampSource, where_clause
from models.notice import RecordKind
from models.paths import BUNDLED_DATA_DIR

BASE_URL = "https://boamp.test"
SAMPLE = BUNDLED_DATA_DIR / "samples" / "boamp" / "ods_v21_records_5_fnsimple_2026.json"
REAL = json.loads(SAMPLE.read_text())["results"]
WHERE = re.compile(r"^dateparution >= date'([\d-]{10})' AND dateparution <= date'([\d-]{10})'$")


def copies(day: date, count: int, *, light: bool = False) -> list[dict[str, Any]]:
    """``count`` real records re-published on ``day`` under new idwebs (light: flat fields only)."""
    records = []
    for n in range(count):
        record = dict(REAL[n % len(REAL)])
        if light:
            del record["gestion"], record["donnees"]
        idweb = f"{day:%y}-{day:%m%d}{n:05d}"
        record.update(idweb=idweb, id=idweb.replace("-", "_"), dateparution=day.isoformat())
        records.append(record)
    return records


class FakeBoamp:
    """A records endpoint over a fixed list of records; ``answers`` are served first."""

    def __init__(
        self, records: list[dict[str, Any]], answers: list[httpx.Response] | None = None
    ) -> None:
        self.records = sorted(records, key=lambda r: r["dateparution"], reverse=True)
        self.answers = deque(answers or [])
        self.params: list[dict[str, str]] = []
        self.after_first_page: list[dict[str, Any]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        assert request.method == "GET"
        assert request.url.host == "boamp.test" and request.url.path == RECORDS_PATH
        params = dict(request.url.params)
        self.params.append(params)
        if self.answers:
            return self.answers.popleft()
        limit, offset = int(params["limit"]), int(params.get("offset", 0))
        if limit > 100 or offset + limit > 10_000:
            error = {"error_code": "InvalidRESTParameterError", "message": "offset + limit"}
            return httpx.Response(400, json=error)
        since, until = WHERE.match(params["where"]).groups()  # type: ignore[union-attr]
        window = [r for r in self.records if since <= r["dateparution"] <= until]
        page = window[offset : offset + limit]
        if params.get("select") == "idweb":
            page = [{"idweb": r["idweb"]} for r in page]
        elif self.after_first_page:  # a notice published while we page
            self.records[:0] = self.after_first_page
            self.after_first_page = []
        return httpx.Response(200, json={"total_count": len(window), "results": page})

    def pages(self) -> list[dict[str, str]]:
        """The paging requests (not the counts)."""
        return [p for p in self.params if "select" not in p]


def make_source(
    fake: FakeBoamp, *, page_size: int = 100, max_attempts: int = 4
) -> tuple[BoampSource, list[float]]:
    sleeps: list[float] = []
    client = httpx.Client(transport=httpx.MockTransport(fake))
    source = BoampSource(
        client,
        BASE_URL + "/",
        max_attempts=max_attempts,
        max_wait=30.0,
        page_size=page_size,
        sleep=sleeps.append,
    )
    return source, sleeps


DAY = date(2026, 1, 21)


def test_fetch_pages_newest_first_with_the_portal_query() -> None:
    records = REAL + copies(DAY - timedelta(days=1), 4) + copies(DAY - timedelta(days=2), 3)
    fake = FakeBoamp(records)
    source, sleeps = make_source(fake, page_size=2)

    fetched = list(source.fetch(DAY - timedelta(days=2), DAY))

    assert [r["idweb"] for r in fetched] == [r["idweb"] for r in fake.records]
    assert [r["dateparution"] for r in fetched] == sorted(
        (r["dateparution"] for r in fetched), reverse=True
    )
    assert fetched[:5] == REAL  # the real records, untouched
    count, *pages = fake.params
    assert count == {
        "where": "dateparution >= date'2026-01-19' AND dateparution <= date'2026-01-21'",
        "select": "idweb",
        "limit": "1",
        "offset": "0",
    }
    assert [int(p["offset"]) for p in pages] == [0, 2, 4, 6, 8, 10]
    assert all(p["order_by"] == "dateparution desc" and p["limit"] == "2" for p in pages)
    assert all(p["where"] == count["where"] for p in pages)
    assert sleeps == []
    parsed = [parse_boamp_record(r) for r in fetched]
    assert parsed[0].notice.id == "boamp:26-7298"
    assert {p.kind for p in parsed} == {RecordKind.notice}


def test_fetch_one_day_needs_no_count_request() -> None:
    fake = FakeBoamp(REAL)
    source, _ = make_source(fake)
    assert len(list(source.fetch(DAY, DAY))) == 5
    assert fake.params == [
        {
            "where": where_clause(DAY, DAY),
            "order_by": "dateparution desc",
            "limit": "100",
            "offset": "0",
        }
    ]


def test_fetch_empty_window_stops_after_the_count() -> None:
    fake = FakeBoamp(REAL)
    source, _ = make_source(fake)
    assert list(source.fetch(date(2025, 1, 1), date(2025, 1, 31))) == []
    assert len(fake.params) == 1


def test_count_is_one_small_request() -> None:
    fake = FakeBoamp(REAL + copies(DAY + timedelta(days=1), 7))
    source, _ = make_source(fake)
    assert source.count(DAY, DAY + timedelta(days=1)) == 12
    assert fake.params == [
        {
            "where": where_clause(DAY, DAY + timedelta(days=1)),
            "select": "idweb",
            "limit": "1",
            "offset": "0",
        }
    ]


def test_fetch_honours_retry_after_on_429() -> None:
    limited = httpx.Response(
        429, headers={"Retry-After": "7"}, json={"error_code": "TooManyRequests"}
    )
    fake = FakeBoamp(REAL, answers=[limited])
    source, sleeps = make_source(fake)
    assert [r["idweb"] for r in source.fetch(DAY, DAY)] == [r["idweb"] for r in REAL]
    assert sleeps == [7.0]
    assert len(fake.params) == 2


def test_fetch_retries_a_503_then_goes_on() -> None:
    fake = FakeBoamp(REAL, answers=[httpx.Response(503, text="maintenance")])
    source, sleeps = make_source(fake)
    assert len(list(source.fetch(DAY, DAY))) == 5
    assert len(sleeps) == 1 and 0 <= sleeps[0] <= 30.0


def test_fetch_permanent_503_raises_source_unavailable() -> None:
    fake = FakeBoamp(REAL, answers=[httpx.Response(503) for _ in range(10)])
    source, sleeps = make_source(fake, max_attempts=3)
    with pytest.raises(SourceUnavailableError, match="HTTP 503"):
        list(source.fetch(DAY, DAY))
    assert len(fake.params) == 3
    assert len(sleeps) == 2


def test_fetch_bad_query_is_not_retried() -> None:
    fake = FakeBoamp(REAL, answers=[httpx.Response(400, json={"error_code": "ODSQLError"})])
    source, sleeps = make_source(fake)
    with pytest.raises(httpx.HTTPStatusError):
        list(source.fetch(DAY, DAY))
    assert len(fake.params) == 1 and sleeps == []


def test_fetch_non_json_answer_is_source_unavailable() -> None:
    fake = FakeBoamp(REAL, answers=[httpx.Response(200, text="<html>maintenance</html>")])
    source, _ = make_source(fake)
    with pytest.raises(SourceUnavailableError, match="non-JSON"):
        list(source.fetch(DAY, DAY))


def test_fetch_splits_a_window_over_10000_records() -> None:
    first = date(2026, 1, 5)
    records = [r for n in range(4) for r in copies(first + timedelta(days=n), 2600, light=True)]
    fake = FakeBoamp(records)
    source, _ = make_source(fake)

    fetched = list(source.fetch(first, first + timedelta(days=3)))

    assert len(fetched) == 10_400
    assert len({r["idweb"] for r in fetched}) == 10_400
    assert [r["dateparution"] for r in fetched] == sorted(
        (r["dateparution"] for r in fetched), reverse=True
    )
    windows = [WHERE.match(p["where"]).groups() for p in fake.params]  # type: ignore[union-attr]
    assert list(dict.fromkeys(windows)) == [
        ("2026-01-05", "2026-01-08"),  # 10,400: split
        ("2026-01-07", "2026-01-08"),  # newer half first: 5,200
        ("2026-01-05", "2026-01-06"),
    ]
    assert all(int(p["offset"]) + int(p["limit"]) <= 10_000 for p in fake.params)
    assert all(int(p["limit"]) <= 100 for p in fake.params)


def test_fetch_one_day_over_10000_reads_what_is_allowed_and_warns(
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake = FakeBoamp(copies(DAY, 10_050, light=True))
    source, _ = make_source(fake)
    with caplog.at_level(logging.WARNING, logger="ingest.sources.boamp"):
        fetched = list(source.fetch(DAY, DAY))
    assert len(fetched) == 10_000
    assert max(int(p["offset"]) + int(p["limit"]) for p in fake.params) == 10_000
    assert "only the first 10000 of 10050 records" in caplog.text


def test_fetch_yields_a_record_once_when_a_publication_shifts_the_pages() -> None:
    fake = FakeBoamp(REAL)
    fake.after_first_page = copies(DAY, 1)  # lands on top: page 2 starts one record early
    source, _ = make_source(fake, page_size=2)
    fetched = [r["idweb"] for r in source.fetch(DAY, DAY)]
    assert fetched == [r["idweb"] for r in REAL]


def test_source_rejects_bad_arguments() -> None:
    fake = FakeBoamp(REAL)
    with pytest.raises(ValueError, match="page_size"):
        make_source(fake, page_size=101)
    source, _ = make_source(fake)
    with pytest.raises(ValueError, match="after until"):
        list(source.fetch(DAY, DAY - timedelta(days=1)))
    assert source.name == "boamp"
