"""Groups API: admins create groups and set members; leads adjust name and procedure."""

from __future__ import annotations

import copy
from typing import Any

import yaml
from fastapi.testclient import TestClient
from sqlalchemy import select

from app.wiring.context import AppContext
from models.paths import BUNDLED_DATA_DIR
from models.schema import GroupMembershipRow
from tests.utils.auth import admin_headers, member_headers
from tests.utils.people import GROUP_MEMBER, OUTSIDER, SAMPLE_GROUP, SAMPLE_LEAD, load_people


def _sample_group() -> dict[str, Any]:
    text = (BUNDLED_DATA_DIR / "devset" / "group.yaml").read_text(encoding="utf-8")
    group: dict[str, Any] = yaml.safe_load(text)
    return {**group, "id": "g-new"}


def _leads(context: AppContext, group_id: str) -> set[str]:
    with context.sessions() as session:
        rows = session.scalars(
            select(GroupMembershipRow).where(GroupMembershipRow.group_id == group_id)
        ).all()
        return {row.member_id for row in rows if row.is_lead}


def _fields(response: Any) -> list[str]:
    assert response.status_code == 422, response.text
    return [field["field"] for field in response.json()["error"]["fields"]]


def test_create_group_derives_leads(client: TestClient, context: AppContext) -> None:
    load_people(context)
    response = client.post("/api/groups", json=_sample_group(), headers=admin_headers(context))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["leads"] == [SAMPLE_LEAD] and len(body["procedure"]["steps"]) == 7
    assert _leads(context, "g-new") == {SAMPLE_LEAD}
    again = client.post("/api/groups", json=_sample_group(), headers=admin_headers(context))
    assert again.status_code == 409


def test_create_group_unknown_members(client: TestClient, context: AppContext) -> None:
    load_people(context)
    group = _sample_group()
    group["members"] = [*group["members"], "m-ghost", "m-phantom"]
    response = client.post("/api/groups", json=group, headers=admin_headers(context))
    assert _fields(response) == ["body.members.6", "body.members.7"]
    error = response.json()["error"]
    assert "m-ghost" in error["message"] and "m-phantom" in error["message"]


def test_create_group_procedure_errors(client: TestClient, context: AppContext) -> None:
    load_people(context)
    admin = admin_headers(context)
    duplicate = _sample_group()
    duplicate["procedure"]["steps"][3]["key"] = "read_need"
    response = client.post("/api/groups", json=duplicate, headers=admin)
    assert _fields(response) == ["body.procedure"]
    assert "duplicate step key: read_need" in response.json()["error"]["message"]
    disorder = _sample_group()
    disorder["procedure"]["steps"][2]["offset_days"] = 30
    response = client.post("/api/groups", json=disorder, headers=admin)
    assert _fields(response) == ["body.procedure"]
    assert "dated earlier" in response.json()["error"]["message"]
    documents = _sample_group()
    documents["procedure"]["documents"] = ["DC1", "DC7"]
    assert _fields(client.post("/api/groups", json=documents, headers=admin)) == [
        "body.procedure.documents.1"
    ]
    outsider_lead = _sample_group()
    outsider_lead["leads"] = [OUTSIDER]
    response = client.post("/api/groups", json=outsider_lead, headers=admin)
    assert "leads must be members" in response.json()["error"]["message"]


def test_read_groups_filtered_by_membership(client: TestClient, context: AppContext) -> None:
    load_people(context)
    client.post(
        "/api/groups",
        json={**_sample_group(), "members": [OUTSIDER], "leads": []},
        headers=admin_headers(context),
    )
    ids = lambda headers: [g["id"] for g in client.get("/api/groups", headers=headers).json()]  # noqa: E731
    assert ids(admin_headers(context)) == ["g-new", SAMPLE_GROUP]
    assert ids(member_headers(context, GROUP_MEMBER)) == [SAMPLE_GROUP]
    assert ids(member_headers(context, OUTSIDER)) == ["g-new"]
    assert ids(member_headers(context, "m-elec")) == []


def test_lead_updates_name_and_procedure(client: TestClient, context: AppContext) -> None:
    load_people(context)
    lead = member_headers(context, SAMPLE_LEAD)
    group = client.get(f"/api/groups/{SAMPLE_GROUP}", headers=lead).json()
    renamed = client.put(
        f"/api/groups/{SAMPLE_GROUP}", json={**group, "name": "Participation"}, headers=lead
    )
    assert renamed.status_code == 200 and renamed.json()["name"] == "Participation"
    procedure = copy.deepcopy(group["procedure"])
    procedure["go_rule"]["min_coverage"] = 0.6
    updated = client.put(f"/api/groups/{SAMPLE_GROUP}/procedure", json=procedure, headers=lead)
    assert updated.status_code == 200 and updated.json()["go_rule"]["min_coverage"] == 0.6
    read = client.get(
        f"/api/groups/{SAMPLE_GROUP}/procedure", headers=member_headers(context, GROUP_MEMBER)
    )
    assert read.json() == updated.json()
    procedure["steps"].append(procedure["steps"][0])
    assert _fields(
        client.put(f"/api/groups/{SAMPLE_GROUP}/procedure", json=procedure, headers=lead)
    ) == ["body"]


def test_only_admin_changes_members_and_leads(client: TestClient, context: AppContext) -> None:
    load_people(context)
    lead = member_headers(context, SAMPLE_LEAD)
    group = client.get(f"/api/groups/{SAMPLE_GROUP}", headers=lead).json()
    more = {**group, "members": [*group["members"], OUTSIDER]}
    assert client.put(f"/api/groups/{SAMPLE_GROUP}", json=more, headers=lead).status_code == 403
    promoted = {**group, "leads": [SAMPLE_LEAD, GROUP_MEMBER]}
    assert client.put(f"/api/groups/{SAMPLE_GROUP}", json=promoted, headers=lead).status_code == 403
    admin = admin_headers(context)
    response = client.put(f"/api/groups/{SAMPLE_GROUP}", json=promoted, headers=admin)
    assert response.status_code == 200, response.text
    assert _leads(context, SAMPLE_GROUP) == {SAMPLE_LEAD, GROUP_MEMBER}
    # the new lead's existing token now carries the lead role
    member = member_headers(context, GROUP_MEMBER)
    procedure = group["procedure"]
    assert (
        client.put(
            f"/api/groups/{SAMPLE_GROUP}/procedure", json=procedure, headers=member
        ).status_code
        == 200
    )


def test_replace_group_checks(client: TestClient, context: AppContext) -> None:
    load_people(context)
    admin = admin_headers(context)
    group = client.get(f"/api/groups/{SAMPLE_GROUP}", headers=admin).json()
    mismatch = client.put(
        f"/api/groups/{SAMPLE_GROUP}", json={**group, "id": "g-other"}, headers=admin
    )
    assert _fields(mismatch) == ["body.id"]
    unknown = client.put("/api/groups/g-unknown", json={**group, "id": "g-unknown"}, headers=admin)
    assert unknown.status_code == 404
    ghost = client.put(
        f"/api/groups/{SAMPLE_GROUP}",
        json={**group, "members": [*group["members"], "m-ghost"]},
        headers=admin,
    )
    assert _fields(ghost) == ["body.members.6"]
    outsider = member_headers(context, OUTSIDER)
    for group_id in (SAMPLE_GROUP, "g-unknown"):
        assert client.get(f"/api/groups/{group_id}", headers=outsider).status_code == 403
        assert client.get(f"/api/groups/{group_id}/procedure", headers=outsider).status_code == 403
    assert client.get("/api/groups/g-unknown", headers=admin).status_code == 404
