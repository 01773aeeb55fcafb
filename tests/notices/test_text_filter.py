"""``GET /api/notices?q=`` finds title and buyer words whatever accents, case or ligatures."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from app.core.db import create_db_engine, migrate
from app.wiring.context import AppContext
from ingest.parse.notice_json import parse_notice_json_line
from ingest.store import NoticeStore
from models.vocabulary.text import search_key
from tests.utils.auth import admin_headers
from tests.utils.data import DEVSET

# Real devset notices, written every way the sources write them.
VILLE_DE_PARIS = {
    "ted:112330-2018",  # buyer "Ville de Paris"
    "decp:552032708002162019001353092400",  # buyer "Régie Immobilière de la Ville de Paris"
}
SOCIETE = {
    "decp:8048347110003320191800",  # buyer "Société d'Exploitation des Ports du Détroit"
    "decp:358801082000352018bZ3S6uUhtd00",  # buyer "SEBL (SOCIETE D'EQUIPEMENT …)"
    "decp:8245411480001420192018ALS05300",  # title "… de la société ano…"
    "ted:287624-2022",  # buyer "SOCIETE NIGERIENNE D’ELECTRICITE"
}
MAITRISE_D_OEUVRE = {
    "decp:34149806100017201813100",  # title "Maîtrise d'oeuvre …"
    "decp:24840025100158201918MO00300",  # title "… MAITRISE D'OEUVRE …"
    "decp:482622529000302018wFoXMkyOZ-00",  # title "MARCHE DE MAITRISE D'ŒUVRE …"
    "decp:77918639400028201868104VuQqC00",  # title "… maîtrise d’œuvre …"
    "decp:243400694001272019pdeF63Q7J100",  # title "Marché de maitrise d'œuvre …"
}
OTHERS = {
    "decp:216803767000132018UGmzIai5BL00",  # "Mise en œuvre …", buyer "Mairie de Wittenheim"
    "decp:380992255000972018EoGmeFvBJG00",  # "… pour la CAF de Paris", buyer "CAF Paris"
    "decp:200063402000162018N030000",  # "… SITE INTERNET DE LA VILLE", "MAIRIE ANNECY …"
}


def _devset(ids: set[str]) -> list[str]:
    with (DEVSET / "notices.jsonl").open(encoding="utf-8") as handle:
        lines = [line for line in handle if json.loads(line)["id"] in ids]
    assert len(lines) == len(ids)
    return lines


@pytest.fixture
def store(context: AppContext) -> AppContext:
    notices = NoticeStore(context.sessions)
    for line in _devset(VILLE_DE_PARIS | SOCIETE | MAITRISE_D_OEUVRE | OTHERS):
        notices.apply(parse_notice_json_line(line))
    return context


def _found(client: TestClient, context: AppContext, query: str) -> set[str]:
    response = client.get(
        "/api/notices", params={"q": query, "limit": 200}, headers=admin_headers(context)
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == len(body["items"])
    return {item["id"] for item in body["items"]}


@pytest.mark.parametrize(
    ("queries", "expected"),
    [
        (["Ville de Paris", "ville de paris", "VILLE DE PARIS", "Ville-de-Paris"], VILLE_DE_PARIS),
        (["société", "SOCIETE", "Societe", "SOCIÉTÉ"], SOCIETE),
        (
            ["maîtrise d'œuvre", "MAITRISE D OEUVRE", "maitrise d’oeuvre", "Maîtrise d’Œuvre"],
            MAITRISE_D_OEUVRE,
        ),
    ],
)
def test_query_finds_title_and_buyer_whatever_the_accents(
    store: AppContext, client: TestClient, queries: list[str], expected: set[str]
) -> None:
    for query in queries:
        found = _found(client, store, query)
        assert found == expected, (query, found ^ expected)


def test_query_of_words_in_another_order_finds_nothing(
    store: AppContext, client: TestClient
) -> None:
    assert _found(client, store, "Paris de Ville") == set()
    assert _found(client, store, "oeuvre maitrise") == set()


def test_search_key_folds_title_and_buyer() -> None:
    assert search_key("Maîtrise d’Œuvre", "Société  de l'Æther") == (
        " maitrise d oeuvre societe de l aether "
    )


def test_migration_fills_the_search_key_of_stored_notices(database_url: str) -> None:
    engine = create_db_engine(database_url)
    try:
        migrate(engine, revision="0001")
        document = {"id": "boamp:26-1", "buyer": {"name": "VILLE DE PARIS"}}
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO notice (id, source, kind, status, title, buyer_key, document,"
                    " content_hash, created_at, updated_at) VALUES ('boamp:26-1', 'boamp',"
                    " 'notice', 'open', 'Maîtrise d''œuvre', 'paris ville', :document, 'x',"
                    " '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
                ),
                {"document": json.dumps(document)},
            )
        migrate(engine)
        with engine.connect() as connection:
            key = connection.execute(text("SELECT search_key FROM notice")).scalar_one()
        assert key == " maitrise d oeuvre ville de paris "
    finally:
        engine.dispose()
