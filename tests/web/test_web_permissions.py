"""The web pages' access matrix: every web route × every role, signed in by session.

Routes are enumerated from the app, so a page added without a row here fails until its
rules are written down. Roles as in ``tests/api/test_permissions.py``: ``anonymous``
(no session), ``other`` (m-archi, in no group), ``self`` (m-comm, a member of
g-participation), ``lead`` (m-studies, its lead), ``admin``. Forms are posted with the
session's CSRF token; every form refuses a session without it (403) first.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.wiring.context import AppContext
from tests.utils.concertation import NOTICE
from tests.utils.routes import is_web_page
from tests.web.conftest import sign_in

ROLES = ("anonymous", "other", "self", "lead", "admin")
MEMBERS = {"other": "m-archi", "self": "m-comm", "lead": "m-studies", "admin": None}
SIGNED_IN = {"anonymous": 401, "other": 200, "self": 200, "lead": 200, "admin": 200}
MEMBERS_ONLY = {**SIGNED_IN, "admin": 403}
GROUP = {**SIGNED_IN, "other": 403}
LEADS = {**GROUP, "self": 403}
ADMINS = {"anonymous": 401, "other": 403, "self": 403, "lead": 403, "admin": 200}
PARAMS = {"notice_id": NOTICE, "group_id": "g-participation", "what": "members"}

# (method, path) -> (expected status per role, form fields, URL parameters)
MATRIX: dict[tuple[str, str], tuple[dict[str, int], dict[str, Any], dict[str, str]]] = {
    ("GET", "/"): ({**SIGNED_IN, "anonymous": 200, "admin": 303}, {}, {}),
    ("GET", "/signin/{secret}"): (dict.fromkeys(ROLES, 401), {}, {"secret": "ctd_x"}),
    ("GET", "/lang/{language}"): (dict.fromkeys(ROLES, 303), {}, {"language": "en"}),
    ("POST", "/signout"): (SIGNED_IN, {}, {}),
    ("GET", "/notices/{notice_id:path}"): (SIGNED_IN, {}, {}),
    ("POST", "/notices/{notice_id:path}/intention"): (
        {**MEMBERS_ONLY, "other": 303, "self": 303, "lead": 303},
        {"role": "interested"},
        {},
    ),
    ("POST", "/notices/{notice_id:path}/not-for-me"): (
        {**MEMBERS_ONLY, "other": 303, "self": 303, "lead": 303},
        {},
        {},
    ),
    # Nobody set the notice aside here: a member reaches the undo, which finds nothing.
    ("POST", "/notices/{notice_id:path}/restore"): (
        {**MEMBERS_ONLY, "other": 404, "self": 404, "lead": 404},
        {},
        {},
    ),
    ("GET", "/groups/{group_id}"): (GROUP, {}, {}),
    ("GET", "/groups/{group_id}/notices/{notice_id:path}"): (GROUP, {}, {}),
    ("POST", "/groups/{group_id}/notices/{notice_id:path}/consortia"): (LEADS, {}, {}),
    ("POST", "/groups/{group_id}/notices/{notice_id:path}/drafts"): (
        {**LEADS, "lead": 303, "admin": 303},
        {"proposal": 0},
        {},
    ),
    ("GET", "/drafts/{draft_id}"): (
        {**GROUP, "self": 404, "lead": 404, "admin": 404},
        {},
        {"draft_id": "no-such-draft"},
    ),
    ("GET", "/drafts/{draft_id}/download/{extension}"): (
        {**GROUP, "self": 404, "lead": 404, "admin": 404},
        {},
        {"draft_id": "no-such-draft", "extension": "docx"},
    ),
    ("GET", "/profile"): (MEMBERS_ONLY, {}, {}),
    ("POST", "/profile/preview"): (
        {**MEMBERS_ONLY, "admin": 403},
        {"statements": "Animation d'ateliers participatifs"},
        {},
    ),
    ("POST", "/profile"): (
        {**MEMBERS_ONLY, "other": 303, "self": 303, "lead": 303},
        {"statements": "Animation d'ateliers participatifs"},
        {},
    ),
    ("POST", "/profile/digest"): (
        {**MEMBERS_ONLY, "other": 303, "self": 303, "lead": 303},
        {"frequency": "weekly", "threshold": 8, "language": "fr"},
        {},
    ),
    ("GET", "/search"): (SIGNED_IN, {}, {}),
    ("GET", "/admin"): (ADMINS, {}, {}),
    ("POST", "/admin/import/{what}"): ({**ADMINS, "admin": 422}, {}, {}),
    ("POST", "/admin/links"): (ADMINS, {"member_id": "m-comm"}, {}),
    ("POST", "/admin/tokens/{token_id}/revoke"): (
        {**ADMINS, "admin": 404},
        {},
        {"token_id": "0000000000000000"},
    ),
}


def web_routes() -> list[tuple[str, str]]:
    """Every (method, path) of the web pages (HEAD aside); the API's are in
    ``tests/api/test_permissions.py``."""
    from fastapi.routing import iter_route_contexts

    return sorted(
        (method, route.path)
        for route in iter_route_contexts(create_app().routes)
        if is_web_page(route)
        for method in (getattr(route, "methods", None) or set()) - {"HEAD"}
    )


def test_matrix_has_every_web_route_and_no_stale_one() -> None:
    assert sorted(web_routes()) == sorted(MATRIX)


def _url(path: str, params: dict[str, str]) -> str:
    return path.replace(":path}", "}").format(**{**PARAMS, **params})


@pytest.mark.parametrize(("method", "path"), sorted(MATRIX))
def test_web_route_permissions(
    method: str, path: str, web: TestClient, web_context: AppContext
) -> None:
    expected, form, params = MATRIX[(method, path)]
    url = _url(path, params)
    wrong = {}
    for role in ROLES:
        web.cookies.clear()
        csrf = sign_in(web, web_context, MEMBERS[role]) if role != "anonymous" else ""
        if method == "POST" and role != "anonymous":
            refused = web.post(url, data=form, follow_redirects=False)
            if refused.status_code != 403:
                wrong[f"{role} without CSRF"] = refused.status_code
        data = {**form, "csrf_token": csrf} if method == "POST" else None
        files = {"file": ("m.yaml", b"- id: x\n", "application/yaml")} if "import" in path else None
        response = web.request(method, url, data=data, files=files, follow_redirects=False)
        if response.status_code != expected[role]:
            wrong[role] = response.status_code
        if response.status_code >= 400:
            assert response.headers["content-type"].startswith("text/html"), (role, url)
    assert not wrong, f"{method} {path}: expected {expected}, wrong {wrong}"
