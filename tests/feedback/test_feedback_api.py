"""Feedback through the API, on SQLite and PostgreSQL: store, change, withdraw, who may."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from app.wiring.context import AppContext
from ingest.parse.notice_json import parse_notice_json_line
from ingest.store import NoticeStore
from tests.utils.auth import admin_headers, member_headers
from tests.utils.data import devset_lines
from tests.utils.people import load_people

DEADLINE = "2030-03-02T12:00:00+01:00"


def _store_twins(context: AppContext) -> tuple[str, str]:
    """A real TED notice and its BOAMP twin, stored as one notice: (served id, other id)."""
    ted = next(
        data
        for data in map(json.loads, devset_lines(2555)[2000:])
        if data["id"].startswith("ted:") and data.get("buyer")
    )
    ted["deadline"] = DEADLINE
    boamp = dict(
        ted,
        id="boamp:30-12345",
        source="boamp",
        title=f"France – Services – {ted['title']}",
        buyer={"name": str(ted["buyer"]["name"]).upper()},
    )
    store = NoticeStore(context.sessions)
    store.apply(parse_notice_json_line(json.dumps(ted)))
    store.apply(parse_notice_json_line(json.dumps(boamp)))
    return ted["id"], "boamp:30-12345"


def test_feedback_is_stored_changed_listed_and_withdrawn(
    context: AppContext, client: TestClient
) -> None:
    load_people(context)
    served, twin = _store_twins(context)
    headers = member_headers(context, "m-web")
    url = f"/api/members/m-web/feedback/{twin}"  # any id of the notice resolves

    put = client.put(url, json={"verdict": "not_relevant"}, headers=headers)
    assert put.status_code == 200, put.text
    assert put.json()["notice_id"] == served and put.json()["verdict"] == "not_relevant"

    changed = client.put(
        f"/api/members/m-web/feedback/{served}", json={"verdict": "relevant"}, headers=headers
    )
    assert changed.status_code == 200
    listed = client.get("/api/members/m-web/feedback", headers=headers)
    assert [(f["notice_id"], f["verdict"]) for f in listed.json()] == [(served, "relevant")]

    assert client.delete(url, headers=headers).status_code == 204
    assert client.get("/api/members/m-web/feedback", headers=headers).json() == []
    again = client.delete(url, headers=headers)
    assert again.status_code == 404  # nothing left to withdraw


def test_feedback_permissions(context: AppContext, client: TestClient) -> None:
    load_people(context)
    served, _ = _store_twins(context)
    url = f"/api/members/m-web/feedback/{served}"
    body = {"verdict": "relevant"}
    other = member_headers(context, "m-comm")
    assert client.put(url, json=body, headers=other).status_code == 403
    assert client.delete(url, headers=other).status_code == 403
    assert client.get("/api/members/m-web/feedback", headers=other).status_code == 403
    # refused before any look-up: an unknown member gets the same answer
    assert client.get("/api/members/m-nobody/feedback", headers=other).status_code == 403
    admin = admin_headers(context)
    assert client.put(url, json=body, headers=admin).status_code == 200
    assert client.get("/api/members/m-web/feedback", headers=admin).json()[0]["verdict"] == (
        "relevant"
    )
    assert client.delete(url, headers=admin).status_code == 204


def test_feedback_refuses_unknown_things_and_bad_input(
    context: AppContext, client: TestClient
) -> None:
    load_people(context)
    served, _ = _store_twins(context)
    admin = admin_headers(context)
    body = {"verdict": "relevant"}
    unknown_notice = client.put(
        "/api/members/m-web/feedback/boamp:99-00000", json=body, headers=admin
    )
    assert unknown_notice.status_code == 404
    assert "boamp:99-00000" in unknown_notice.json()["error"]["message"]
    unknown_member = client.put(
        f"/api/members/m-nobody/feedback/{served}", json=body, headers=admin
    )
    assert unknown_member.status_code == 404
    assert client.get("/api/members/m-nobody/feedback", headers=admin).status_code == 404

    bad = client.put(
        f"/api/members/m-web/feedback/{served}", json={"verdict": "maybe"}, headers=admin
    )
    assert bad.status_code == 422
    assert [f["field"] for f in bad.json()["error"]["fields"]] == ["body.verdict"]
    extra = client.put(
        f"/api/members/m-web/feedback/{served}",
        json={"verdict": "relevant", "why": "x"},
        headers=admin,
    )
    assert extra.status_code == 422
    nul = client.put("/api/members/m-web/feedback/boamp:1%002", json=body, headers=admin)
    assert nul.status_code == 422
    nul_verdict = client.put(
        f"/api/members/m-web/feedback/{served}", json={"verdict": "relevant\x00"}, headers=admin
    )
    assert nul_verdict.status_code == 422
    assert client.get("/api/members/m-web/feedback", headers=admin).json() == []
