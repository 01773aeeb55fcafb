"""One JSON error shape for every 4xx: ``{"error": {"status", "code", "message", "fields"}}``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi.testclient import TestClient

from app.wiring.context import AppContext
from tests.utils.auth import admin_headers, bearer, make_token, member_headers
from tests.utils.people import GROUP_MEMBER, OUTSIDER, load_people, make_notice

CODES = {
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    422: "validation_error",
}


def assert_canonical_error(response: httpx.Response, status: int) -> dict[str, Any]:
    """The response is the canonical error document for ``status``; returns its ``error``."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"status", "code", "message", "fields"}
    assert error["status"] == status
    assert error["code"] == CODES[status]
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["fields"], list)
    for field in error["fields"]:
        assert set(field) == {"field", "message"}
        assert isinstance(field["field"], str) and isinstance(field["message"], str)
    return dict(error)


def test_error_shape_401_missing_token(client: TestClient) -> None:
    response = client.get("/api/notices")
    assert_canonical_error(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"


def test_error_shape_401_bad_expired_and_revoked_tokens(
    client: TestClient, context: AppContext
) -> None:
    load_people(context)
    expired = make_token(context, admin=True, days=1, now=datetime.now(UTC) - timedelta(days=2))
    revoked = make_token(context, admin=True)
    admin = admin_headers(context)
    assert client.delete(f"/api/tokens/{revoked.split('_')[1]}", headers=admin).status_code == 204
    forged = revoked[:-4] + ("AAAA" if not revoked.endswith("AAAA") else "BBBB")
    for token in (expired, revoked, forged, "ctd_nothex_x", "not-a-token", ""):
        response = client.get("/api/groups", headers=bearer(token))
        error = assert_canonical_error(response, 401)
        assert error["message"] == "a valid bearer token is required"
    basic = client.get("/api/groups", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert_canonical_error(basic, 401)


def test_error_shape_403(client: TestClient, context: AppContext) -> None:
    load_people(context)
    response = client.get(f"/api/members/{GROUP_MEMBER}", headers=member_headers(context, OUTSIDER))
    assert assert_canonical_error(response, 403)["message"] == "not allowed"


def test_error_shape_404(client: TestClient, context: AppContext) -> None:
    response = client.get("/api/members/m-nobody", headers=admin_headers(context))
    assert assert_canonical_error(response, 404)["message"] == "member m-nobody not found"
    assert_canonical_error(client.get("/api/nowhere"), 404)


def test_error_shape_405(client: TestClient) -> None:
    assert_canonical_error(client.delete("/api/groups"), 405)


def test_error_shape_409(client: TestClient, context: AppContext) -> None:
    load_people(context)
    admin = admin_headers(context)
    body = {"id": GROUP_MEMBER, "name": "Again", "expertise": ["Communication publique"]}
    error = assert_canonical_error(client.post("/api/members", json=body, headers=admin), 409)
    assert error["message"] == f"member {GROUP_MEMBER} already exists"
    notice = make_notice(context, notice_id="boamp:26-0009", status="cancelled")
    declared = client.put(
        f"/api/notices/{notice}/intentions/{GROUP_MEMBER}",
        json={"role": "lead"},
        headers=member_headers(context, GROUP_MEMBER),
    )
    assert "cancelled" in assert_canonical_error(declared, 409)["message"]


def test_error_shape_422_request_and_service(client: TestClient, context: AppContext) -> None:
    load_people(context)
    headers = member_headers(context, GROUP_MEMBER)
    request = client.patch(
        f"/api/members/{GROUP_MEMBER}", json={"day_rate_eur": -1}, headers=headers
    )
    error = assert_canonical_error(request, 422)
    assert error["fields"][0]["field"] == "body.day_rate_eur"
    service = client.patch(
        f"/api/members/{GROUP_MEMBER}", json={"cpv": ["99999999"]}, headers=headers
    )
    error = assert_canonical_error(service, 422)
    assert error["fields"] == [{"field": "body.cpv", "message": "unknown CPV code(s): 99999999"}]
    broken = client.post(
        "/api/members",
        content=b"{not json",
        headers={**admin_headers(context), "content-type": "application/json"},
    )
    assert_canonical_error(broken, 422)
