"""Estimated values on the pages (formatted for the language) and the home's value filter."""

from __future__ import annotations

import copy
import json
import re

from fastapi.testclient import TestClient

from app.wiring.background import sync_once
from app.wiring.context import AppContext
from ingest.parse.notice_json import parse_notice_json_line
from ingest.store import NoticeStore
from tests.utils.concertation import concertation_record
from tests.web.conftest import sign_in

NOTICE_LINK = re.compile(r'<h2 id="n-\d+"><a href="/notices/([^"]+)">')
PRICED = "boamp:26-5150"


def _store_priced_twin(context: AppContext) -> None:
    """The concertation notice again, valued at 120,000 € with its lot 2 at 45,000.50 €."""
    record = concertation_record(notice_id=PRICED)
    record["value"] = {"amount": 120000, "currency": "EUR"}
    record["lots"] = copy.deepcopy(record["lots"])
    record["lots"][1]["value"] = {"amount": 45000.5, "currency": "EUR"}
    NoticeStore(context.sessions).apply(parse_notice_json_line(json.dumps(record)))
    assert sync_once(context)
    context.matching.refresh()


def test_values_shown_in_the_language_of_the_page(web: TestClient, web_context: AppContext) -> None:
    _store_priced_twin(web_context)
    sign_in(web, web_context, "m-studies")
    home = web.get("/").text
    assert PRICED in NOTICE_LINK.findall(home)
    assert "Valeur estimée\u00a0: <strong>120\u202f000,00\u00a0€</strong>" in home
    notice = web.get(f"/notices/{PRICED}").text
    assert "120\u202f000,00\u00a0€" in notice and "45\u202f000,50\u00a0€" in notice
    web.get("/lang/en")
    assert "Estimated value: <strong>€120,000.00</strong>" in web.get("/").text
    assert "€45,000.50" in web.get(f"/notices/{PRICED}").text


def test_home_value_filter_reaches_the_matching(web: TestClient, web_context: AppContext) -> None:
    _store_priced_twin(web_context)
    sign_in(web, web_context, "m-studies")
    assert PRICED in NOTICE_LINK.findall(web.get("/?f=1&min_value=100000&max_value=").text)
    assert PRICED in NOTICE_LINK.findall(web.get("/?f=1&max_value=150000").text)
    assert PRICED not in NOTICE_LINK.findall(web.get("/?f=1&min_value=200000").text)
    # Up to 100,000 €: the notice (120,000 €) comes through its lot 2 (45,000.50 €).
    within = web.get("/?f=1&max_value=100000").text
    assert PRICED in NOTICE_LINK.findall(within)
    assert "Valeur estimée, lot 2\u00a0: <strong>45\u202f000,50\u00a0€</strong>" in within
    assert PRICED not in NOTICE_LINK.findall(web.get("/?f=1&max_value=40000").text)
    kept = web.get("/?f=1&min_value=200000").text
    assert 'name="min_value" value="200000"' in kept  # the form shows the filter applied
    wrong = web.get("/?f=1&min_value=5000&max_value=1000")
    assert wrong.status_code == 422 and "max_value" in wrong.text
    assert web.get("/?f=1&min_value=beaucoup").status_code == 422
