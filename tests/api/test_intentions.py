"""Intentions API: declare per notice and lot, who sees what, the audit trail, closed notices."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from app.wiring.context import AppContext
from tests.utils.auth import bearer, make_token, member_headers
from tests.utils.people import GROUP_MEMBER, OUTSIDER, SAMPLE_LEAD, load_people, make_notice


def _url(notice: str, member: str = GROUP_MEMBER) -> str:
    return f"/api/notices/{notice}/intentions/{member}"


def test_declare_intention_on_lots(client: TestClient, context: AppContext) -> None:
    load_people(context)
    notice = make_notice(context)
    headers = member_headers(context, GROUP_MEMBER)
    body = {"role": "lead", "lots": ["2", "1", "2"], "comment": "Je pilote."}
    response = client.put(_url(notice), json=body, headers=headers)
    assert response.status_code == 200, response.text
    declared = response.json()
    assert declared["notice_id"] == notice and declared["member_id"] == GROUP_MEMBER
    assert declared["role"] == "lead" and declared["lots"] == ["2", "1"]
    mine = client.get(f"/api/members/{GROUP_MEMBER}/intentions", headers=headers).json()
    assert mine == [declared]


def test_intentions_audit_trail(client: TestClient, context: AppContext) -> None:
    load_people(context)
    notice = make_notice(context)
    member = member_headers(context, GROUP_MEMBER)
    admin_token = make_token(context, admin=True)
    client.put(_url(notice), json={"role": "interested"}, headers=member)
    client.put(_url(notice), json={"role": "interested"}, headers=member)  # no change, no event
    client.put(_url(notice), json={"role": "contributor", "lots": ["1"]}, headers=member)
    client.put(
        _url(notice), json={"role": "declined", "comment": "pas dispo"}, headers=bearer(admin_token)
    )
    events = client.get(f"{_url(notice)}/events", headers=member)
    assert events.status_code == 200, events.text
    trail = [(e["actor"], e["before"], e["after"]) for e in events.json()]
    admin_actor = f"admin:{admin_token.split('_')[1]}"
    assert trail == [
        (f"member:{GROUP_MEMBER}", None, {"role": "interested", "lots": [], "comment": ""}),
        (
            f"member:{GROUP_MEMBER}",
            {"role": "interested", "lots": [], "comment": ""},
            {"role": "contributor", "lots": ["1"], "comment": ""},
        ),
        (
            admin_actor,
            {"role": "contributor", "lots": ["1"], "comment": ""},
            {"role": "declined", "lots": [], "comment": "pas dispo"},
        ),
    ]
    times = [e["changed_at"] for e in events.json()]
    assert times == sorted(times)
    outsider = member_headers(context, OUTSIDER)
    assert client.get(f"{_url(notice)}/events", headers=outsider).status_code == 403


def test_intentions_visible_to_self_leads_and_admins(
    client: TestClient, context: AppContext
) -> None:
    load_people(context)
    notice = make_notice(context)
    for member in (GROUP_MEMBER, OUTSIDER, SAMPLE_LEAD):
        client.put(
            _url(notice, member),
            json={"role": "interested"},
            headers=member_headers(context, member),
        )

    def seen(headers: dict[str, str]) -> list[str]:
        response = client.get(f"/api/notices/{notice}/intentions", headers=headers)
        assert response.status_code == 200, response.text
        return [item["member_id"] for item in response.json()]

    assert seen(bearer(make_token(context, admin=True))) == [OUTSIDER, GROUP_MEMBER, SAMPLE_LEAD]
    assert seen(member_headers(context, SAMPLE_LEAD)) == [GROUP_MEMBER, SAMPLE_LEAD]
    assert seen(member_headers(context, GROUP_MEMBER)) == [GROUP_MEMBER]
    assert seen(member_headers(context, OUTSIDER)) == [OUTSIDER]
    assert seen(member_headers(context, "m-elec")) == []


def test_declare_on_unknown_lot_is_422(client: TestClient, context: AppContext) -> None:
    load_people(context)
    headers = member_headers(context, GROUP_MEMBER)
    notice = make_notice(context)
    response = client.put(_url(notice), json={"role": "lead", "lots": ["1", "9"]}, headers=headers)
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == [
        {"field": "body.lots.1", "message": "notice has no lot 9"}
    ]
    no_lots = make_notice(context, notice_id="boamp:26-0002", lots=[])
    response = client.put(_url(no_lots), json={"role": "lead", "lots": ["1"]}, headers=headers)
    assert response.status_code == 422
    assert client.put(_url(no_lots), json={"role": "lead"}, headers=headers).status_code == 200
    bad_role = client.put(_url(notice), json={"role": "boss"}, headers=headers)
    assert bad_role.json()["error"]["fields"][0]["field"] == "body.role"


def test_declare_on_closed_notice_is_409(client: TestClient, context: AppContext) -> None:
    load_people(context)
    headers = member_headers(context, GROUP_MEMBER)
    past = datetime.now(UTC) - timedelta(days=1)
    for number, status, deadline in (
        ("0003", "closed", None),
        ("0004", "cancelled", None),
        ("0005", "open", past),
    ):
        notice = make_notice(
            context, notice_id=f"boamp:26-{number}", status=status, deadline=deadline
        )
        response = client.put(_url(notice), json={"role": "lead"}, headers=headers)
        assert response.status_code == 409, (status, response.text)
        assert "intentions are frozen" in response.json()["error"]["message"]
    soon = datetime.now(UTC) + timedelta(days=10)
    lots = [{"id": "1", "deadline": past.isoformat()}, {"id": "2", "deadline": soon.isoformat()}]
    notice = make_notice(context, notice_id="boamp:26-0006", deadline=soon, lots=lots)
    late = client.put(_url(notice), json={"role": "lead", "lots": ["1"]}, headers=headers)
    assert late.status_code == 409 and "lot(s) 1" in late.json()["error"]["message"]
    assert (
        client.put(_url(notice), json={"role": "lead", "lots": ["2"]}, headers=headers).status_code
        == 200
    )


def test_declare_unknown_notice_or_member(client: TestClient, context: AppContext) -> None:
    load_people(context)
    headers = member_headers(context, GROUP_MEMBER)
    assert (
        client.put(_url("boamp:99-9999"), json={"role": "lead"}, headers=headers).status_code == 404
    )
    assert client.get("/api/notices/boamp:99-9999/intentions", headers=headers).status_code == 404
    notice = make_notice(context)
    admin = bearer(make_token(context, admin=True))
    assert (
        client.put(_url(notice, "m-nobody"), json={"role": "lead"}, headers=admin).status_code
        == 404
    )
    # refusing another member's intention says nothing about the notice or the member
    for target in (_url(notice, OUTSIDER), _url("boamp:99-9999", "m-nobody")):
        response = client.put(target, json={"role": "lead"}, headers=headers)
        assert response.status_code == 403
