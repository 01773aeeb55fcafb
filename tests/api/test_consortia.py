"""Consortia API: the sample group on a real three-lot notice, refusals, explained empty answers."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.wiring.context import AppContext
from models.consortium import IntentionRole
from tests.utils.auth import admin_headers, member_headers
from tests.utils.concertation import NOTICE, declare_intentions, make_concertation_notice
from tests.utils.people import (
    GROUP_MEMBER,
    OUTSIDER,
    SAMPLE_GROUP,
    SAMPLE_LEAD,
    load_people,
    make_notice,
)

URL = f"/api/notices/{NOTICE}/consortia"


@pytest.fixture
def lead(context: AppContext) -> dict[str, str]:
    """The sample people, the notice, the sample intentions, and the lead's headers."""
    load_people(context)
    make_concertation_notice(context)
    declare_intentions(context)
    return member_headers(context, SAMPLE_LEAD)


def _post(client: TestClient, headers: dict[str, str], **body: Any) -> Any:
    response = client.post(URL, json={"group_id": SAMPLE_GROUP, **body}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_create_consortia_sample_group(client: TestClient, lead: dict[str, str]) -> None:
    answer = _post(client, lead)
    assert answer["notice_id"] == NOTICE and answer["group_id"] == SAMPLE_GROUP
    assert answer["lots"] == ["1", "2", "3"] and answer["max_members"] == 5
    assert answer["reasons"] == []
    ids = {r["id"] for r in answer["requirements"]}
    assert {"_notice/title", "_notice/cpv:79416000", "1/title", "2/d1", "3/d1"} <= ids
    proposals = answer["proposals"]
    assert 1 <= len(proposals) <= 5
    scores = [p["score"] for p in proposals]
    assert scores == sorted(scores, reverse=True)
    best = proposals[0]
    assert best["mandataire"] == "m-studies"  # the declared lead
    assert best["members"][0] == {**best["members"][0], "member_id": "m-studies"}
    assert best["members"][0]["role"] == "mandataire"
    assert best["members"][0]["intention"] == "lead"
    assert best["legal_form"] == "cae"
    for proposal in proposals:
        members = {m["member_id"] for m in proposal["members"]}
        assert "m-print" not in members  # declined
        assert len(members) <= 5
        assert sum(m["share"] for m in proposal["members"]) == pytest.approx(1.0)
        assert max(m["share"] for m in proposal["members"]) <= 0.5  # the group's cap
        assert all(set(m["lots"]) <= {"1", "2", "3"} for m in proposal["members"])
        assert 0 <= proposal["coverage"] <= 1
        assert set(proposal["coverage_by_lot"]) == {"1", "2", "3", "_notice"}
        decision = proposal["go_no_go"]
        assert decision["reasons"][0].startswith(("Pass: ", "Fail: "))
        assert any("declared lead(s)" in reason for reason in decision["reasons"])
        assert any("Never considered, having declined: m-print." == r for r in proposal["reasons"])
    assert best["go_no_go"]["go"] is True
    assert set(best["coverage_by_lot"].values()) == {1.0}


def test_create_consortia_selected_lots(client: TestClient, lead: dict[str, str]) -> None:
    answer = _post(client, lead, lots=["2", "2"], max_members=2)
    assert answer["lots"] == ["2"]
    assert {r["lot"] for r in answer["requirements"]} == {None, "2"}
    for proposal in answer["proposals"]:
        assert len(proposal["members"]) == 2  # the cap of 0.5 needs two members
        assert set(proposal["coverage_by_lot"]) == {"2", "_notice"}
        assert all(set(m["lots"]) <= {"2"} for m in proposal["members"])


def test_create_consortia_admin_and_defaults(
    client: TestClient, context: AppContext, lead: dict[str, str]
) -> None:
    answer = _post(client, admin_headers(context))
    assert answer["proposals"] == _post(client, lead)["proposals"]  # deterministic


def test_create_consortia_nobody_available_is_explained(
    client: TestClient, context: AppContext, lead: dict[str, str]
) -> None:
    everyone = [
        "m-comm", "m-web", "m-training", "m-archi", "m-clean", "m-elec",
        "m-catering", "m-legal", "m-studies", "m-social", "m-green", "m-print",
    ]  # fmt: skip
    declare_intentions(context, intentions={m: (IntentionRole.declined, []) for m in everyone})
    answer = _post(client, lead)
    assert answer["proposals"] == []
    assert len(answer["reasons"]) == 1
    assert answer["reasons"][0].startswith("No team can be proposed: no eligible candidate")
    assert "no_team" not in answer  # the refusal's code is for pages, not the API's JSON


def test_create_consortia_unknown_notice_or_group(
    client: TestClient, context: AppContext, lead: dict[str, str]
) -> None:
    body = {"group_id": SAMPLE_GROUP}
    response = client.post("/api/notices/boamp:26-9999/consortia", json=body, headers=lead)
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "notice boamp:26-9999 not found"
    admin = admin_headers(context)
    response = client.post(URL, json={"group_id": "g-unknown"}, headers=admin)
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "group g-unknown not found"


def test_create_consortia_unknown_lot(client: TestClient, lead: dict[str, str]) -> None:
    body = {"group_id": SAMPLE_GROUP, "lots": ["1", "9", None]}
    response = client.post(URL, json=body, headers=lead)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["message"] == f"notice {NOTICE} has no lot 9 (its lots are 1, 2, 3)"
    assert [f["field"] for f in error["fields"]] == ["body.lots.1", "body.lots.2"]


@pytest.mark.parametrize(
    "body",
    [
        {"group_id": SAMPLE_GROUP, "max_members": 0},
        {"group_id": SAMPLE_GROUP, "max_members": 51},
        {"group_id": SAMPLE_GROUP, "lots": []},
        {"group_id": SAMPLE_GROUP, "surprise": 1},
        {"max_members": 3},
    ],
)
def test_create_consortia_invalid_body(
    client: TestClient, lead: dict[str, str], body: dict[str, Any]
) -> None:
    response = client.post(URL, json=body, headers=lead)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["fields"][0]["field"].startswith("body")


@pytest.mark.parametrize("status", ["cancelled", "awarded"])
def test_create_consortia_notice_over(
    client: TestClient, context: AppContext, lead: dict[str, str], status: str
) -> None:
    make_concertation_notice(context, notice_id="boamp:26-4243", status=status)
    response = client.post(
        "/api/notices/boamp:26-4243/consortia", json={"group_id": SAMPLE_GROUP}, headers=lead
    )
    assert response.status_code == 409
    assert (
        response.json()["error"]["message"]
        == f"notice boamp:26-4243 is {status}: nothing to answer"
    )


def test_create_consortia_not_a_lead(
    client: TestClient, context: AppContext, lead: dict[str, str]
) -> None:
    for member in (GROUP_MEMBER, OUTSIDER):
        headers = member_headers(context, member)
        response = client.post(URL, json={"group_id": SAMPLE_GROUP}, headers=headers)
        assert response.status_code == 403
        assert response.json()["error"]["message"] == "not allowed"
    # A lead asking for another group, existing or not, learns nothing either.
    response = client.post(URL, json={"group_id": "g-unknown"}, headers=lead)
    assert response.status_code == 403
    response = client.post("/api/notices/boamp:26-9999/consortia", json={"group_id": "g-x"})
    assert response.status_code == 401


def test_create_consortia_notice_without_lots(
    client: TestClient, context: AppContext, lead: dict[str, str]
) -> None:
    notice = make_notice(context, notice_id="boamp:26-4244", lots=[])
    url = f"/api/notices/{notice}/consortia"
    response = client.post(url, json={"group_id": SAMPLE_GROUP, "lots": [None]}, headers=lead)
    assert response.status_code == 200, response.text
    assert response.json()["lots"] == [None]
    assert {r["lot"] for r in response.json()["requirements"]} == {None}
    response = client.post(url, json={"group_id": SAMPLE_GROUP, "lots": ["1"]}, headers=lead)
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == [
        {"field": "body.lots.0", "message": f"notice {notice} has no lot 1 (it has no lots)"}
    ]
