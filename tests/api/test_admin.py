"""``GET /api/admin/runs`` and ``GET /api/admin/quarantine``: admins only."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.cli.ingest import ingest_paths
from app.wiring.context import AppContext
from tests.utils.auth import admin_headers, member_headers
from tests.utils.data import SAMPLES
from tests.utils.people import load_people

SDK = SAMPLES / "external" / "eforms-sdk-1.15.1"


def test_admin_sees_runs_and_quarantine(context: AppContext, client: TestClient) -> None:
    ingest_paths(context, [SDK / "cn_24_open.xml", SDK / "INVALID_cn_24_empty.xml"])
    headers = admin_headers(context)
    runs = client.get("/api/admin/runs", headers=headers)
    assert runs.status_code == 200, runs.text
    assert [run["source"] for run in runs.json()] == [
        "file:INVALID_cn_24_empty.xml",
        "file:cn_24_open.xml",
    ]
    assert runs.json()[1]["counts"]["ingested"] == 1
    entries = client.get("/api/admin/quarantine", headers=headers).json()
    assert [e["record_ref"] for e in entries] == ["INVALID_cn_24_empty.xml"]
    assert entries[0]["reason"].startswith("incomplete eForms notice")
    assert entries[0]["raw"] is None  # listing never ships raw payloads


def test_members_may_not_see_operations(context: AppContext, client: TestClient) -> None:
    load_people(context)
    headers = member_headers(context, "m-web")
    assert client.get("/api/admin/runs", headers=headers).status_code == 403
    assert client.get("/api/admin/quarantine", headers=headers).status_code == 403
    assert client.get("/api/admin/runs").status_code == 401
