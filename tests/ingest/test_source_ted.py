"""The TED connector against an in-process fake of the Search API (httpx.MockTransport)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import date
from typing import Any

import httpx
import pytest

from ingest.errors import SourceUnavailableError
from ingest.parse.eforms import parse_eforms_xml
from ingest.sources.ted import SEARCH_FIELDS, TedSource
from models.paths import BUNDLED_DATA_DIR

BASE_URL = "https://api.ted.test"
TED_SAMPLES = BUNDLED_DATA_DIR / "samples" / "ted"
XML_FILES = {
    "643121-2023": "eforms_real_643121-2023_FRA_cn-standard.xml",
    "547670-2023": "eforms_real_547670-2023_FRA_cn-social.xml",
    "622691-2023": "eforms_real_622691-2023_DEU_cn-standard.xml",
    "309890-2023": "eforms_real_309890-2023_ENG_cn-standard.xml",
    "634805-2022": "eforms_real_634805-2022_FRA_cn-desg.xml",
}
SCOPE = "buyer-country IN (FRA) AND notice-type IN (cn-standard cn-social)"
Handler = Callable[[httpx.Request], httpx.Response]


def item(number: str, *, xml: bool = True) -> dict[str, Any]:
    links = {"xml": {"MUL": f"https://ted.test/en/notice/{number}/xml"}} if xml else {}
    return {"publication-number": number, "notice-title": {"fra": [number]}, "links": links}


def xml_response(request: httpx.Request) -> httpx.Response:
    """Serve /en/notice/<number>/xml from the real sample files, 404 for unknown numbers."""
    number = request.url.path.split("/")[3]
    if number not in XML_FILES:
        return httpx.Response(404, text="not found")
    content = (TED_SAMPLES / XML_FILES[number]).read_bytes()
    return httpx.Response(200, content=content, headers={"Content-Type": "application/xml"})


class FakeTed:
    """Search pages keyed by the iteration token they answer; records every search body."""

    def __init__(self, pages: dict[str | None, dict[str, Any]]) -> None:
        self.pages = pages
        self.bodies: list[dict[str, Any]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v3/notices/search":
            assert request.method == "POST"
            body = json.loads(request.content)
            self.bodies.append(body)
            return httpx.Response(200, json=self.pages[body.get("iterationNextToken")])
        if request.url.path.endswith("/xml"):
            assert request.headers["Accept"] == "application/xml"
            return xml_response(request)
        return httpx.Response(404)


def make_source(handler: Handler, sleeps: list[float] | None = None, **options: Any) -> TedSource:
    client = httpx.Client(transport=httpx.MockTransport(handler))
    recorded = sleeps if sleeps is not None else []
    return TedSource(
        client,
        BASE_URL + "/",
        scope_query=options.pop("scope_query", SCOPE),
        max_attempts=options.pop("max_attempts", 3),
        max_wait=options.pop("max_wait", 30.0),
        page_size=options.pop("page_size", 2),
        sleep=recorded.append,
    )


def three_pages() -> dict[str | None, dict[str, Any]]:
    return {
        None: {
            "notices": [item("643121-2023"), item("547670-2023")],
            "totalNoticeCount": 5,
            "iterationNextToken": "t1",
        },
        "t1": {
            "notices": [item("622691-2023"), item("309890-2023")],
            "totalNoticeCount": 5,
            "iterationNextToken": "t2",
        },
        # The last page still carries a token: the count must stop the harvest.
        "t2": {
            "notices": [item("634805-2022")],
            "totalNoticeCount": 5,
            "iterationNextToken": "t3",
        },
    }


def test_fetch_pages_through_iteration_and_downloads_each_xml() -> None:
    fake = FakeTed(three_pages())
    results = list(make_source(fake).fetch(date(2023, 10, 1), date(2023, 10, 31)))

    assert [found["publication-number"] for found, _ in results] == list(XML_FILES)
    for found, xml in results:
        assert xml is not None
        assert parse_eforms_xml(xml).notice.id == f"ted:{found['publication-number']}"
    assert [body.get("iterationNextToken") for body in fake.bodies] == [None, "t1", "t2"]
    first = fake.bodies[0]
    assert "iterationNextToken" not in first
    assert first["query"] == (
        f"{SCOPE} AND publication-date>=20231001 AND publication-date<=20231031"
    )
    assert first["fields"] == list(SEARCH_FIELDS)
    assert first["limit"] == 2
    assert first["paginationMode"] == "ITERATION"
    assert first["onlyLatestVersions"] is True
    assert first["scope"] == "ALL"


def test_fetch_stops_on_empty_page_when_count_is_missing() -> None:
    pages: dict[str | None, dict[str, Any]] = {
        None: {"notices": [item("643121-2023")], "iterationNextToken": "t1"},
        "t1": {"notices": [], "iterationNextToken": "t2"},
    }
    fake = FakeTed(pages)
    results = list(make_source(fake).fetch(date(2023, 10, 1), date(2023, 10, 1)))
    assert len(results) == 1 and len(fake.bodies) == 2


def test_fetch_stops_when_the_token_repeats() -> None:
    pages: dict[str | None, dict[str, Any]] = {
        None: {"notices": [item("643121-2023")], "iterationNextToken": "t1"},
        "t1": {"notices": [item("547670-2023")], "iterationNextToken": "t1"},
    }
    fake = FakeTed(pages)
    results = list(make_source(fake).fetch(date(2023, 10, 1), date(2023, 10, 1)))
    assert len(results) == 2 and len(fake.bodies) == 2


def test_fetch_stops_without_token() -> None:
    fake = FakeTed({None: {"notices": [item("643121-2023")], "iterationNextToken": None}})
    assert len(list(make_source(fake).fetch(date(2023, 10, 1), date(2023, 10, 1)))) == 1


def test_fetch_yields_none_when_xml_is_missing_or_gone(caplog: pytest.LogCaptureFixture) -> None:
    fake = FakeTed(
        {
            None: {
                "notices": [item("111-2026", xml=False), item("222-2026")],
                "totalNoticeCount": 2,
                "iterationNextToken": None,
            }
        }
    )
    with caplog.at_level(logging.INFO, logger="ingest.sources.ted"):
        results = list(make_source(fake).fetch(date(2026, 1, 1), date(2026, 1, 2)))
    assert [xml for _, xml in results] == [None, None]
    messages = [r.getMessage() for r in caplog.records]
    assert "TED notice has no XML link" in messages
    assert "TED notice XML unavailable" in messages


def test_fetch_honours_retry_after_on_429() -> None:
    answers = iter([httpx.Response(429, headers={"Retry-After": "7"})])
    fake = FakeTed({None: {"notices": [item("643121-2023")], "totalNoticeCount": 1}})

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v3/notices/search":
            try:
                return next(answers)
            except StopIteration:
                pass
        return fake(request)

    sleeps: list[float] = []
    results = list(make_source(handler, sleeps).fetch(date(2023, 10, 1), date(2023, 10, 31)))
    assert sleeps == [7.0]
    assert [found["publication-number"] for found, _ in results] == ["643121-2023"]
    assert results[0][1] is not None


def test_fetch_permanent_server_error_raises() -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        return httpx.Response(503, text="maintenance")

    sleeps: list[float] = []
    source = make_source(handler, sleeps, max_attempts=3)
    with pytest.raises(SourceUnavailableError, match="HTTP 503"):
        list(source.fetch(date(2023, 10, 1), date(2023, 10, 31)))
    assert calls == ["/v3/notices/search"] * 3
    assert len(sleeps) == 2


def test_fetch_xml_server_error_gives_none_after_retries() -> None:
    fake = FakeTed({None: {"notices": [item("643121-2023")], "totalNoticeCount": 1}})

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/xml"):
            return httpx.Response(502)
        return fake(request)

    sleeps: list[float] = []
    results = list(make_source(handler, sleeps).fetch(date(2023, 10, 1), date(2023, 10, 31)))
    assert [xml for _, xml in results] == [None]
    assert len(sleeps) == 2


def test_fetch_bad_query_raises_with_ted_explanation() -> None:
    answer = httpx.Response(400, json={"message": "Unknown field: foo"})
    with pytest.raises(SourceUnavailableError, match="HTTP 400.*Unknown field: foo"):
        list(make_source(lambda request: answer).fetch(date(2023, 10, 1), date(2023, 10, 31)))


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(200, text="<html>maintenance</html>"),
        httpx.Response(200, json={"notices": "oops"}),
        httpx.Response(200, json={"notices": [], "timedOut": True}),
    ],
)
def test_fetch_unusable_search_answer_raises(answer: httpx.Response) -> None:
    source = make_source(lambda request: answer)
    with pytest.raises(SourceUnavailableError, match="TED search"):
        list(source.fetch(date(2023, 10, 1), date(2023, 10, 31)))


def test_query_parenthesises_a_scope_with_or() -> None:
    source = make_source(FakeTed({}), scope_query="buyer-country IN (FRA) OR FT~(audit)")
    assert source.query(date(2026, 1, 1), date(2026, 1, 31)) == (
        "(buyer-country IN (FRA) OR FT~(audit)) "
        "AND publication-date>=20260101 AND publication-date<=20260131"
    )
    assert make_source(FakeTed({}), scope_query=" ").query(date(2026, 1, 1), date(2026, 1, 1)) == (
        "publication-date>=20260101 AND publication-date<=20260101"
    )
    assert TedSource.name == "ted"
