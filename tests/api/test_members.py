"""Members API: create, read, update, export, erase; and what a refusal reveals."""

from __future__ import annotations

import hashlib
import json

from fastapi.testclient import TestClient
from sqlalchemy import select

from app.wiring.context import AppContext
from models.schema import ApiTokenRow, GroupMembershipRow, GroupRow, MemberRow
from tests.utils.auth import admin_headers, bearer, make_token, member_headers
from tests.utils.people import GROUP_MEMBER, OUTSIDER, SAMPLE_GROUP, load_people, make_notice

NEW_MEMBER = {
    "id": "m-energy",
    "name": "Inès Garnier",
    "email": "ines.garnier@example.org",
    "kind": "partner",
    "regions": ["59", "2a"],
    "day_rate_eur": 700,
    "expertise": ["Audits énergétiques de bâtiments publics et plans de sobriété."],
    "cpv": ["71314300"],
}


def _stored_hash(context: AppContext, member_id: str) -> str:
    with context.sessions() as session:
        row = session.get(MemberRow, member_id)
        assert row is not None
        canonical = json.dumps(
            row.profile, sort_keys=True, ensure_ascii=False, separators=(",", ":")
        )
        assert row.content_hash == hashlib.sha256(canonical.encode()).hexdigest()
        return row.content_hash


def test_create_member_as_admin(client: TestClient, context: AppContext) -> None:
    response = client.post("/api/members", json=NEW_MEMBER, headers=admin_headers(context))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["id"] == "m-energy" and body["kind"] == "partner"
    assert body["regions"] == ["59", "2A"]
    assert body["created_at"] and body["updated_at"]
    _stored_hash(context, "m-energy")
    again = client.get("/api/members/m-energy", headers=admin_headers(context))
    assert again.json() == body


def test_create_member_validation(client: TestClient, context: AppContext) -> None:
    admin = admin_headers(context)
    cases = {
        "cpv": ["12345678"],
        "regions": ["59", "99"],
        "day_rate_eur": 0,
        "expertise": [],
        "languages": ["french"],
    }
    for field, value in cases.items():
        response = client.post("/api/members", json={**NEW_MEMBER, field: value}, headers=admin)
        assert response.status_code == 422, (field, response.text)
        fields = [f["field"] for f in response.json()["error"]["fields"]]
        assert any(f.startswith(f"body.{field}") for f in fields), (field, fields)


def test_create_member_refuses_unstorable_text_and_numbers(
    client: TestClient, context: AppContext
) -> None:
    admin = admin_headers(context)
    nul = client.post("/api/members", json={**NEW_MEMBER, "name": "In\x00ès"}, headers=admin)
    assert nul.status_code == 422
    assert nul.json()["error"]["fields"] == [
        {"field": "body.name", "message": "must not contain NUL characters"}
    ]
    body = json.dumps({**NEW_MEMBER, "day_rate_eur": 1.5}).replace("1.5", "Infinity")
    infinite = client.post(
        "/api/members", content=body, headers={**admin, "content-type": "application/json"}
    )
    assert infinite.status_code == 422
    assert infinite.json()["error"]["fields"][0]["field"] == "body.day_rate_eur"


def test_update_member_self(client: TestClient, context: AppContext) -> None:
    load_people(context)
    headers = member_headers(context, GROUP_MEMBER)
    before = _stored_hash(context, GROUP_MEMBER)
    response = client.patch(
        f"/api/members/{GROUP_MEMBER}",
        json={"day_rate_eur": 560, "regions": ["75"]},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()["day_rate_eur"] == 560 and response.json()["regions"] == ["75"]
    assert response.json()["name"] == "Claire Dumont"
    assert _stored_hash(context, GROUP_MEMBER) != before


def test_update_member_validates_the_merged_profile(
    client: TestClient, context: AppContext
) -> None:
    load_people(context)
    headers = member_headers(context, GROUP_MEMBER)
    url = f"/api/members/{GROUP_MEMBER}"
    for body, field in (
        ({"cpv": ["00000000"]}, "body.cpv"),
        ({"regions": ["AB"]}, "body.regions"),
        ({"expertise": None}, "body.expertise"),
        ({"email": "not an email"}, "body.email"),
        ({"kind": "partner"}, "body.kind"),
    ):
        response = client.patch(url, json=body, headers=headers)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["error"]["fields"][0]["field"] == field


def test_update_member_not_found_for_admin(client: TestClient, context: AppContext) -> None:
    response = client.patch(
        "/api/members/m-nobody", json={"day_rate_eur": 1}, headers=admin_headers(context)
    )
    assert response.status_code == 404


def test_refusal_never_reveals_existence(client: TestClient, context: AppContext) -> None:
    load_people(context)
    outsider = member_headers(context, OUTSIDER)
    for method, suffix, body in (
        ("GET", "", None),
        ("PATCH", "", {"day_rate_eur": 1}),
        ("DELETE", "", None),
        ("GET", "/export", None),
        ("GET", "/intentions", None),
    ):
        existing = client.request(
            method, f"/api/members/{GROUP_MEMBER}{suffix}", json=body, headers=outsider
        )
        missing = client.request(
            method, f"/api/members/m-nobody{suffix}", json=body, headers=outsider
        )
        assert existing.status_code == missing.status_code == 403
        assert existing.json() == missing.json()


def test_list_members_admin(client: TestClient, context: AppContext) -> None:
    load_people(context)
    response = client.get("/api/members?limit=5&offset=10", headers=admin_headers(context))
    assert response.status_code == 200
    page = response.json()
    assert page["total"] == 12 and len(page["items"]) == 2


def test_export_member_data(client: TestClient, context: AppContext) -> None:
    load_people(context)
    notice = make_notice(context)
    token = make_token(context, member_id=GROUP_MEMBER)
    headers = bearer(token)
    client.put(
        f"/api/notices/{notice}/intentions/{GROUP_MEMBER}", json={"role": "lead"}, headers=headers
    )
    response = client.get(f"/api/members/{GROUP_MEMBER}/export", headers=headers)
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["member"]["id"] == GROUP_MEMBER and data["member"]["name"] == "Claire Dumont"
    assert data["groups"] == [
        {"id": SAMPLE_GROUP, "name": "Démarches participatives", "is_lead": False}
    ]
    assert [i["role"] for i in data["intentions"]] == ["lead"]
    assert data["intention_events"][0]["actor"] == f"member:{GROUP_MEMBER}"
    assert [t["id"] for t in data["tokens"]] == [token.split("_")[1]]
    assert token not in response.text and "hash" not in response.text


def test_delete_member_self_erases_everything(client: TestClient, context: AppContext) -> None:
    load_people(context)
    notice = make_notice(context)
    headers = member_headers(context, GROUP_MEMBER)
    client.put(
        f"/api/notices/{notice}/intentions/{GROUP_MEMBER}", json={"role": "lead"}, headers=headers
    )
    assert client.delete(f"/api/members/{GROUP_MEMBER}", headers=headers).status_code == 204
    assert client.get(f"/api/members/{GROUP_MEMBER}", headers=headers).status_code == 401
    admin = admin_headers(context)
    assert client.get(f"/api/members/{GROUP_MEMBER}", headers=admin).status_code == 404
    assert client.get(f"/api/notices/{notice}/intentions", headers=admin).json() == []
    with context.sessions() as session:
        group = session.get(GroupRow, SAMPLE_GROUP)
        assert group is not None and GROUP_MEMBER not in group.document["members"]
        memberships = session.scalars(
            select(GroupMembershipRow).where(GroupMembershipRow.member_id == GROUP_MEMBER)
        ).all()
        tokens = session.scalars(
            select(ApiTokenRow).where(ApiTokenRow.member_id == GROUP_MEMBER)
        ).all()
        assert memberships == [] and tokens == []
    assert client.get(f"/api/groups/{SAMPLE_GROUP}", headers=admin).status_code == 200
    assert client.delete(f"/api/members/{GROUP_MEMBER}", headers=admin).status_code == 404
