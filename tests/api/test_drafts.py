"""Drafts API: consortia then drafts, every format read back, versions, refusals."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import docx
import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar

from app.wiring.context import AppContext
from tests.utils.auth import admin_headers, member_headers
from tests.utils.concertation import NOTICE, declare_intentions, make_concertation_notice
from tests.utils.people import GROUP_MEMBER, OUTSIDER, SAMPLE_GROUP, SAMPLE_LEAD, load_people

DRAFTS = f"/api/notices/{NOTICE}/drafts"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def lead(context: AppContext) -> dict[str, str]:
    """The sample people, the notice, the sample intentions, and the lead's headers."""
    load_people(context)
    make_concertation_notice(context)
    declare_intentions(context)
    return member_headers(context, SAMPLE_LEAD)


def _best_proposal(client: TestClient, headers: dict[str, str]) -> dict[str, Any]:
    response = client.post(
        f"/api/notices/{NOTICE}/consortia", json={"group_id": SAMPLE_GROUP}, headers=headers
    )
    assert response.status_code == 200, response.text
    proposal: dict[str, Any] = response.json()["proposals"][0]
    return proposal


def _create(client: TestClient, headers: dict[str, str], proposal: Any) -> Any:
    body = {"group_id": SAMPLE_GROUP, "proposal": proposal}
    response = client.post(DRAFTS, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def test_a_draft_in_english_on_request(client: TestClient, lead: dict[str, str]) -> None:
    body = {"group_id": SAMPLE_GROUP, "proposal": 0}
    response = client.post(f"{DRAFTS}?lang=en", json=body, headers=lead)
    assert response.status_code == 201, response.text
    draft = response.json()["draft"]
    assert draft["language"] == "en"
    assert draft["outline"][0]["sections"][0]["title"] == "Understanding of the need"
    markdown = client.get(f"/api/drafts/{draft['draft_id']}.md", headers=lead).text
    assert markdown.startswith(f"# Draft response — {draft['notice_title']}")
    assert "## Retro-planning" in markdown and "Rétroplanning" not in markdown
    word = client.get(f"/api/drafts/{draft['draft_id']}.docx", headers=lead)
    assert docx.Document(BytesIO(word.content)).core_properties.language == "en-GB"


def test_a_draft_in_an_unknown_language_is_refused(
    client: TestClient, lead: dict[str, str]
) -> None:
    body = {"group_id": SAMPLE_GROUP, "proposal": 0}
    response = client.post(f"{DRAFTS}?lang=de", json=body, headers=lead)
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"] == "query.lang"


def test_create_draft_from_posted_proposal(client: TestClient, lead: dict[str, str]) -> None:
    proposal = _best_proposal(client, lead)
    created = _create(client, lead, proposal)
    draft_id = created["draft_id"]
    base = f"/api/drafts/{draft_id}"
    assert created["version"] == 1
    assert created["notice_id"] == NOTICE and created["group_id"] == SAMPLE_GROUP
    assert created["mandataire"] == "m-studies" and created["legal_form"] == "cae"
    assert created["created_by"] == f"member:{SAMPLE_LEAD}"
    assert created["links"] == {
        "json": base,
        "markdown": f"{base}.md",
        "docx": f"{base}.docx",
        "ics": f"{base}.ics",
    }
    draft = created["draft"]
    assert draft["draft_id"] == draft_id and draft["mandataire"] == "m-studies"
    assert [step["key"] for step in draft["planning"]][0] == "read_need"
    assert {entry["member_id"] for entry in draft["team"]} == {
        m["member_id"] for m in proposal["members"]
    }
    assert [outline["lot"] for outline in draft["outline"]] == ["1", "2", "3"]

    assert draft["language"] == "fr"  # French unless asked otherwise
    as_json = client.get(base, headers=lead)
    assert as_json.status_code == 200 and as_json.json() == draft

    markdown = client.get(f"{base}.md", headers=lead)
    assert markdown.status_code == 200
    assert markdown.headers["content-type"] == "text/markdown; charset=utf-8"
    assert markdown.text.startswith("# ")
    assert draft["notice_title"] in markdown.text
    assert "## Rétroplanning" in markdown.text and "## Équipe et forme juridique" in markdown.text

    word = client.get(f"{base}.docx", headers=lead)
    assert word.status_code == 200
    assert word.headers["content-type"] == DOCX_TYPE
    assert word.headers["content-disposition"].startswith("attachment; filename=")
    assert word.headers["content-disposition"].endswith('-v1.docx"')
    document = docx.Document(BytesIO(word.content))
    headings = [
        p.text
        for p in document.paragraphs
        if p.style is not None and p.style.name.startswith(("Heading", "Title"))
    ]
    assert headings[0].endswith(draft["notice_title"])
    for heading in (
        "Rétroplanning",
        "Équipe et forme juridique",
        "Pièces administratives",
        "Mémoire technique",
    ):
        assert heading in headings

    calendar = client.get(f"{base}.ics", headers=lead)
    assert calendar.status_code == 200
    assert calendar.headers["content-type"] == "text/calendar; charset=utf-8"
    events = list(Calendar.from_ical(calendar.content).walk("VEVENT"))
    assert len(events) == len(draft["planning"]) + 1
    assert all(str(event["UID"]).endswith(f".{draft_id}@cotender") for event in events)


def test_create_draft_regenerate_keeps_versions(
    client: TestClient, context: AppContext, lead: dict[str, str]
) -> None:
    first = _create(client, lead, _best_proposal(client, lead))
    second = _create(client, lead, 0)  # an index: the best of a fresh computation
    assert second["version"] == 2 and second["draft_id"] != first["draft_id"]
    assert second["draft"]["mandataire"] == first["draft"]["mandataire"]
    old = client.get(f"/api/drafts/{first['draft_id']}", headers=lead)
    assert old.status_code == 200 and old.json() == first["draft"]
    assert client.get(f"/api/drafts/{first['draft_id']}.md", headers=lead).status_code == 200
    listed = client.get(DRAFTS, params={"group_id": SAMPLE_GROUP}, headers=lead)
    assert listed.status_code == 200
    assert [(d["version"], d["draft_id"]) for d in listed.json()] == [
        (1, first["draft_id"]),
        (2, second["draft_id"]),
    ]
    assert client.get(DRAFTS, headers=admin_headers(context)).json() == listed.json()
    outsider = member_headers(context, OUTSIDER)
    assert client.get(DRAFTS, headers=outsider).json() == []


def test_create_draft_mandataire_not_in_team(client: TestClient, lead: dict[str, str]) -> None:
    proposal = _best_proposal(client, lead)
    team = {m["member_id"] for m in proposal["members"]}
    proposal["mandataire"] = next(m for m in ("m-archi", "m-green", "m-elec") if m not in team)
    response = client.post(
        DRAFTS, json={"group_id": SAMPLE_GROUP, "proposal": proposal}, headers=lead
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert [f["field"] for f in error["fields"]] == ["proposal.mandataire"]
    assert error["message"].startswith("proposal.mandataire: mandataire ")


def test_create_draft_unknown_member(client: TestClient, lead: dict[str, str]) -> None:
    proposal = _best_proposal(client, lead)
    proposal["members"][1]["member_id"] = "m-nobody"
    response = client.post(
        DRAFTS, json={"group_id": SAMPLE_GROUP, "proposal": proposal}, headers=lead
    )
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"] == "proposal.members[1].member_id"


def test_create_draft_unstorable_proposal(client: TestClient, lead: dict[str, str]) -> None:
    proposal = _best_proposal(client, lead)
    proposal["reasons"] = ["bad \x00 text"]
    response = client.post(
        DRAFTS, json={"group_id": SAMPLE_GROUP, "proposal": proposal}, headers=lead
    )
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"] == "body.proposal.reasons.0"


@pytest.mark.parametrize(
    ("proposal", "field"),
    [(7, "body.proposal"), (50, "body.proposal"), (True, "body.proposal"), ({}, "body.proposal")],
)
def test_create_draft_bad_proposal_reference(
    client: TestClient, lead: dict[str, str], proposal: Any, field: str
) -> None:
    response = client.post(
        DRAFTS, json={"group_id": SAMPLE_GROUP, "proposal": proposal}, headers=lead
    )
    assert response.status_code == 422, response.text
    assert response.json()["error"]["fields"][0]["field"].startswith(field)


def test_create_draft_refusals(
    client: TestClient, context: AppContext, lead: dict[str, str]
) -> None:
    proposal = _best_proposal(client, lead)
    body = {"group_id": SAMPLE_GROUP, "proposal": proposal}
    member = member_headers(context, GROUP_MEMBER)
    assert client.post(DRAFTS, json=body, headers=member).status_code == 403
    unknown = client.post("/api/notices/boamp:26-9999/drafts", json=body, headers=lead)
    assert unknown.status_code == 404
    assert unknown.json()["error"]["message"] == "notice boamp:26-9999 not found"
    admin = admin_headers(context)
    response = client.post(DRAFTS, json={**body, "group_id": "g-unknown"}, headers=admin)
    assert response.status_code == 404
    make_concertation_notice(context, notice_id="boamp:26-4243", status="cancelled")
    over = client.post("/api/notices/boamp:26-4243/drafts", json=body, headers=lead)
    assert over.status_code == 409


def test_read_draft_access(client: TestClient, context: AppContext, lead: dict[str, str]) -> None:
    draft_id = _create(client, lead, 0)["draft_id"]
    member = member_headers(context, GROUP_MEMBER)  # a member of the group, not a lead
    for suffix in ("", ".md", ".docx", ".ics"):
        assert client.get(f"/api/drafts/{draft_id}{suffix}", headers=member).status_code == 200
        outsider = client.get(
            f"/api/drafts/{draft_id}{suffix}", headers=member_headers(context, OUTSIDER)
        )
        assert outsider.status_code == 403
        assert client.get(f"/api/drafts/{draft_id}{suffix}").status_code == 401
    # A member of another group gets the same answer as for a draft that does not exist.
    group = client.get(f"/api/groups/{SAMPLE_GROUP}", headers=admin_headers(context)).json()
    other = {**group, "id": "g-other", "members": [OUTSIDER], "leads": [OUTSIDER]}
    assert client.post("/api/groups", json=other, headers=admin_headers(context)).status_code == 201
    stranger = member_headers(context, OUTSIDER)
    hidden = client.get(f"/api/drafts/{draft_id}", headers=stranger)
    missing = client.get("/api/drafts/0000-missing", headers=stranger)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["error"]["message"] == f"draft {draft_id} not found"
    listed = client.get(DRAFTS, params={"group_id": SAMPLE_GROUP}, headers=stranger)
    assert listed.status_code == 403


def test_read_draft_unknown(client: TestClient, context: AppContext) -> None:
    admin = admin_headers(context)
    for suffix in ("", ".md", ".docx", ".ics"):
        response = client.get(
            f"/api/drafts/0b7c1e7e-0000-4000-8000-000000000000{suffix}", headers=admin
        )
        assert response.status_code == 404
    assert client.get("/api/drafts/abc.pdf", headers=admin).status_code == 422
    assert client.get("/api/drafts/a.b.md", headers=admin).status_code == 422
