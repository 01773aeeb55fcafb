"""Matches and search through the API, and new notices served while another process ingests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from fastapi.testclient import TestClient

from app.core.config import Settings
from app.main import create_app
from app.matching.usecases import member_trade
from app.members.service import get_member, member_from_row
from app.wiring.background import sync_once
from app.wiring.context import AppContext
from ingest.parse.notice_json import parse_notice_json_line
from ingest.store import NoticeStore
from models.member import Member
from models.vocabulary.cpv import cpv_labels
from tests.utils.auth import admin_headers, member_headers
from tests.utils.data import devset_lines
from tests.utils.people import load_people


def _load(context: AppContext, count: int) -> None:
    NoticeStore(context.sessions).apply_batch(
        [parse_notice_json_line(line) for line in devset_lines(count)]
    )
    load_people(context)
    assert sync_once(context)


def load_member(context: AppContext, member_id: str) -> Member:
    with context.sessions() as session:
        row = get_member(session=session, member_id=member_id)
        assert row is not None
        return member_from_row(row)


def test_read_member_matches_as_the_member(context: AppContext, client: TestClient) -> None:
    _load(context, 80)
    response = client.get(
        "/api/members/m-web/matches?include_closed=true&limit=5",
        headers=member_headers(context, "m-web"),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["member_id"] == "m-web" and 0 < len(body["matches"]) <= 5
    first = body["matches"][0]
    assert set(first) == {"notice_id", "lot", "score", "reasons"}
    assert any(reason["type"] == "passage" for reason in first["reasons"])


def test_read_member_matches_of_another_member_is_forbidden(
    context: AppContext, client: TestClient
) -> None:
    _load(context, 5)
    response = client.get("/api/members/m-web/matches", headers=member_headers(context, "m-comm"))
    assert response.status_code == 403
    unknown = client.get("/api/members/m-nobody/matches", headers=member_headers(context, "m-comm"))
    assert unknown.status_code == 403  # same answer: existence is not revealed
    assert (
        client.get("/api/members/m-nobody/matches", headers=admin_headers(context)).status_code
        == 404
    )


def test_read_notice_matches_lists_members_per_lot(context: AppContext, client: TestClient) -> None:
    _load(context, 20)
    notice_id = json.loads(devset_lines(1)[0])["id"]
    response = client.get(
        f"/api/notices/{notice_id}/matches", headers=member_headers(context, "m-comm")
    )
    assert response.status_code == 200, response.text
    lots = response.json()["lots"]
    assert lots[0]["lot"] is None and lots[0]["members"]
    assert {"member_id", "score", "reasons"} == set(lots[0]["members"][0])


def test_search_requires_a_query(context: AppContext, client: TestClient) -> None:
    _load(context, 5)
    response = client.get("/api/search", headers=admin_headers(context))
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"] == "query.q"
    blank = client.get("/api/search", params={"q": "  a \t "}, headers=admin_headers(context))
    assert blank.status_code == 422  # three characters once trimmed, not a 500
    assert blank.json()["error"]["fields"][0]["field"] == "query.q"
    for nothing in ("de la", "!!!", "the of"):  # common words and signs: nothing to search
        refused = client.get("/api/search", params={"q": nothing}, headers=admin_headers(context))
        assert refused.status_code == 422, refused.text
        field = refused.json()["error"]["fields"][0]
        assert field["field"] == "query.q" and "no word to search for" in field["message"]


def test_search_finds_a_notice_by_its_title_with_a_passage(
    context: AppContext, client: TestClient
) -> None:
    _load(context, 40)
    wanted = json.loads(devset_lines(40)[17])
    response = client.get(
        "/api/search",
        params={"q": wanted["title"], "open_only": "false", "limit": 5},
        headers=member_headers(context, "m-web"),
    )
    assert response.status_code == 200, response.text
    hits = response.json()["hits"]
    assert wanted["id"] in [hit["notice_id"] for hit in hits]
    assert [hit["score"] for hit in hits] == sorted((hit["score"] for hit in hits), reverse=True)
    assert all(hit["passage"] for hit in hits)
    # Each hit carries what a results list shows: no request per hit.
    first = next(hit for hit in hits if hit["notice_id"] == wanted["id"])
    assert first["title"] == wanted["title"]
    assert first["buyer"] == ((wanted.get("buyer") or {}).get("name") or None)
    assert set(first) == {
        "notice_id",
        "score",
        "title",
        "buyer",
        "deadline",
        "value",
        "lot",
        "lot_title",
        "passage",
    }


def test_notices_ingested_by_another_process_become_searchable(
    tmp_path: Path, database_url: str
) -> None:
    """The nightly CLI ingests while the API serves: the server indexes, nobody blocks."""
    settings = Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        embedder="hashing",
        index_sync_seconds=0.2,
    )
    context = AppContext.open(settings)
    _load(context, 10)
    extra = tmp_path / "tonight.jsonl"
    line = json.loads(devset_lines(11)[10])
    extra.write_text(json.dumps(line) + "\n", encoding="utf-8")
    env = {
        **os.environ,
        "COTENDER_DATA_DIR": str(settings.data_dir),
        "COTENDER_DATABASE_URL": database_url,
        "COTENDER_EMBEDDER": "hashing",
    }
    with TestClient(create_app(settings, context=context)) as client:
        headers = admin_headers(context)
        assert client.get("/api/search", params={"q": line["title"]}, headers=headers).json()[
            "hits"
        ]
        ingest = subprocess.run(
            [
                sys.executable,
                "-c",
                "from app.cli.main import main; main()",
                "ingest-file",
                str(extra),
                "--json",
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert ingest.returncode == 0, ingest.stderr
        assert json.loads(ingest.stdout)["ingested"] == 1
        assert "owned by a running Cotender server" in ingest.stderr  # left to the server
        found = False
        for _ in range(100):
            hits = client.get(
                "/api/search", params={"q": line["title"], "open_only": "false"}, headers=headers
            ).json()["hits"]
            if line["id"] in [hit["notice_id"] for hit in hits]:
                found = True
                break
            time.sleep(0.1)
        assert found, "the new notice never became searchable"
        assert client.get("/health").json()["notices"] == 11
    context.close()


def test_a_search_hit_names_the_lot_that_matches_with_its_deadline_and_value(
    context: AppContext, client: TestClient
) -> None:
    load_people(context)
    notice = json.loads(devset_lines(1)[0])
    notice.update(deadline="2026-12-20T12:00:00+00:00", value={"amount": 90000, "currency": "EUR"})
    notice["lots"] = [
        {"id": "1", "title": "Travaux de voirie et réfection de chaussée"},
        {
            "id": "2",
            "title": "Élagage des platanes et abattage d'arbres",
            "deadline": "2026-12-10T12:00:00+00:00",
            "value": {"amount": 12000, "currency": "EUR"},
        },
    ]
    lines = [json.dumps(notice), *devset_lines(30)[1:]]
    NoticeStore(context.sessions).apply_batch([parse_notice_json_line(line) for line in lines])
    assert sync_once(context)
    response = client.get(
        "/api/search",
        params={"q": "élagage platanes", "open_only": "false", "limit": 5},
        headers=member_headers(context, "m-web"),
    )
    assert response.status_code == 200, response.text
    hit = response.json()["hits"][0]
    assert (hit["notice_id"], hit["lot"]) == (notice["id"], "2")
    assert hit["lot_title"] == "Élagage des platanes et abattage d'arbres"
    assert hit["value"] == {"amount": 12000.0, "currency": "EUR"}
    assert hit["deadline"].startswith("2026-12-10T12:00:00")
    assert hit["title"] == notice["title"]


def test_read_member_trade_as_the_member(context: AppContext, client: TestClient) -> None:
    _load(context, 80)
    response = client.get("/api/members/m-web/trade", headers=member_headers(context, "m-web"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["member_id"] == "m-web" and body["codes"]
    first = body["codes"][0]
    assert set(first) == {"code", "depth", "confidence", "label_fr", "label_en"}
    labels = cpv_labels()
    assert [(c["code"], c["label_fr"], c["label_en"]) for c in body["codes"]] == [
        (c.code, labels[c.code].fr, labels[c.code].en)
        for c in member_trade(context.matching, load_member(context, "m-web"))
    ]
    goods = {f"{division:02d}" for division in range(3, 45)} | {"48"}
    assert not any(c["code"][:2] in goods for c in body["codes"])  # m-web sells no supplies
    other = client.get("/api/members/m-web/trade", headers=member_headers(context, "m-comm"))
    assert other.status_code == 403
    unknown = client.get("/api/members/m-nobody/trade", headers=admin_headers(context))
    assert unknown.status_code == 404
