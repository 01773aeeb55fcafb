"""The admin page shows the last ingestion runs and the quarantined records with their reasons."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.cli.ingest import ingest_paths
from app.wiring.context import AppContext
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
    assert "incomplete eForms notice" in quarantine  # the reason the ingestion gave


def test_members_do_not_see_the_operations(web: TestClient, web_context: AppContext) -> None:
    ingest_paths(web_context, [SDK / "INVALID_cn_24_empty.xml"])
    sign_in(web, web_context, "m-studies")
    refused = web.get("/admin")
    assert refused.status_code == 403
    assert "INVALID_cn_24_empty.xml" not in refused.text
