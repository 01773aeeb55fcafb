"""Sign-in by link, sessions (revocable, signed out), CSRF refusals and security headers."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from app.auth.tokens import revoke_token
from app.core.config import Settings
from app.core.db import transaction
from app.main import create_app
from app.wiring.context import AppContext
from models.schema import IntentionRow, WebSessionRow
from tests.utils.auth import make_token
from tests.utils.concertation import NOTICE
from tests.web.conftest import sign_in


def test_sign_in_link_opens_a_session_with_a_safe_cookie(
    web: TestClient, web_context: AppContext
) -> None:
    token = make_token(web_context, member_id="m-studies")
    response = web.get(f"/signin/{token}", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("cotender_session=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    secret = cookie.split(";")[0].split("=", 1)[1]
    with web_context.sessions() as session:
        stored = session.scalars(select(WebSessionRow)).all()
    assert len(stored) == 1 and secret not in {row.id for row in stored}  # only a hash is kept
    home = web.get("/")
    assert home.status_code == 200 and "Pour moi" in home.text and "Inès Moreau" in home.text


def test_the_cookie_is_secure_outside_development(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path / "data",
        database_url=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        embedder="hashing",
        environment="production",
        secret_key="a-real-secret-for-this-test",
    )
    context = AppContext.open(settings)
    try:
        token = make_token(context, admin=True)
        with TestClient(create_app(settings, context=context)) as client:
            response = client.get(f"/signin/{token}", follow_redirects=False)
        assert response.status_code == 303 and "Secure" in response.headers["set-cookie"]
    finally:
        context.close()


def test_a_bad_link_gets_a_french_page_not_json(web: TestClient) -> None:
    response = web.get("/signin/ctd_0123456789abcdef_" + "x" * 43)
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("text/html")
    assert "Ce lien de connexion ne fonctionne pas" in response.text
    assert "set-cookie" not in response.headers


def test_revoking_the_token_ends_its_sessions(web: TestClient, web_context: AppContext) -> None:
    token = make_token(web_context, member_id="m-comm")
    web.get(f"/signin/{token}")
    assert web.get("/profile").status_code == 200
    token_id = token.split("_")[1]
    with transaction(web_context.sessions) as session:
        assert revoke_token(session=session, token_id=token_id, now=datetime.now(UTC))
    page = web.get("/profile")
    assert page.status_code == 401 and "Connectez-vous" in page.text


def test_sign_out_ends_the_session(web: TestClient, web_context: AppContext) -> None:
    csrf = sign_in(web, web_context, "m-comm")
    assert web.post("/signout", data={}).status_code == 403  # no CSRF token: refused
    response = web.post("/signout", data={"csrf_token": csrf})
    assert response.status_code == 200 and "Vous êtes déconnecté·e." in response.text
    with web_context.sessions() as session:
        assert session.scalars(select(WebSessionRow)).all() == []
    assert web.get("/profile").status_code == 401


def _intention(context: AppContext, member_id: str) -> IntentionRow | None:
    with context.sessions() as session:
        return session.get(IntentionRow, (NOTICE, member_id))


def test_forms_refuse_a_missing_or_wrong_csrf_token(
    web: TestClient, web_context: AppContext
) -> None:
    csrf = sign_in(web, web_context, "m-training")
    url = f"/notices/{NOTICE}/intention"
    for data in ({"role": "lead"}, {"role": "lead", "csrf_token": csrf[::-1]}):
        refused = web.post(url, data=data)
        assert refused.status_code == 403
        assert "Ce formulaire a expiré" in refused.text
        assert refused.headers["content-type"].startswith("text/html")
    assert _intention(web_context, "m-training") is None  # nothing was written
    accepted = web.post(url, data={"role": "lead", "csrf_token": csrf}, follow_redirects=False)
    assert accepted.status_code == 303
    assert _intention(web_context, "m-training") is not None


def test_web_pages_carry_security_headers_and_the_api_is_unchanged(web: TestClient) -> None:
    for path in ("/", "/nowhere", "/static/app.css"):
        headers = web.get(path).headers
        policy = headers["content-security-policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert "frame-ancestors 'none'" in policy
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
        assert headers["x-frame-options"] == "DENY"
    health = web.get("/health")
    assert "content-security-policy" not in health.headers
    api = web.get("/api/notices")
    assert api.status_code == 401 and api.json()["error"]["code"] == "unauthorized"
    assert "content-security-policy" not in api.headers
    assert web.get("/api/nothing").json()["error"]["status"] == 404


def test_bearer_tokens_still_work_on_the_api(web: TestClient, web_context: AppContext) -> None:
    token = make_token(web_context, member_id="m-studies")
    response = web.get(f"/api/notices/{NOTICE}", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.json()["id"] == NOTICE
