"""The admin page shows the last ingestion runs and the quarantined records with their reasons."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.cli.ingest import ingest_paths
from app.wiring.context import AppContext
from models.schema import QuarantineRow
from tests.utils.data import SAMPLES
from tests.web.conftest import sign_in

SDK = SAMPLES / "external" / "eforms-sdk-1.15.1"


def test_admin_page_lists_runs_and_quarantine(web: TestClient, web_context: AppContext) -> None:
    sign_in(web, web_context, None)
    empty = web.get("/admin").text
    assert "Aucune collecte pour l'instant." in empty
    assert "Aucun enregistrement en quarantaine." in empty
    ingest_paths(web_context, [SDK / "cn_24_open.xml", SDK / "INVALID_cn_24_empty.xml"])
    page = web.get("/admin").text
    assert "Dernières collectes" in page
    runs = page[page.index("Dernières collectes") : page.index("Enregistrements en quarantaine")]
    assert runs.index("file:INVALID_cn_24_empty.xml") < runs.index("file:cn_24_open.xml")
    assert "nouveaux\u00a0: 1, mis à jour\u00a0: 0" in runs  # the counts, in French
    assert "réussie" in runs
    quarantine = page[page.index("Enregistrements en quarantaine") :]
    assert "<code>INVALID_cn_24_empty.xml</code>" in quarantine
    # The reason the ingestion gave, said in the page's language from its code; the English
    # text stays for logs, the CLI and the API.
    french = (
        "L'enregistrement eForms n'a pas d'identifiant : impossible de le distinguer des "
        "autres avis."
    )
    assert french.replace("'", "&#39;") in quarantine
    assert "incomplete eForms notice" not in quarantine
    web.cookies.set("lang", "en")
    english = web.get("/admin").text
    assert "The eForms record has no identifier, so it cannot be told apart" in english


def test_a_reason_kept_before_the_codes_shows_its_text(
    web: TestClient, web_context: AppContext
) -> None:
    with web_context.sessions() as session, session.begin():
        session.add(
            QuarantineRow(source="file", record_ref="old.json:1", reason="an old reason", raw="{")
        )
    sign_in(web, web_context, None)
    assert "<td>an old reason</td>" in web.get("/admin").text


def test_members_do_not_see_the_operations(web: TestClient, web_context: AppContext) -> None:
    ingest_paths(web_context, [SDK / "INVALID_cn_24_empty.xml"])
    sign_in(web, web_context, "m-studies")
    refused = web.get("/admin")
    assert refused.status_code == 403
    assert "INVALID_cn_24_empty.xml" not in refused.text
