"""The access matrix: every route of the app × every role, with the status each must get.

Routes are enumerated from the app itself, so a route added without a row
here fails :func:`test_route_permissions` until its rules are written down.
Roles: ``anonymous`` (no token), ``self`` (m-comm, a member of g-participation,
whose data the member routes target), ``other`` (m-archi, in no group),
``lead`` (m-studies, lead of g-participation) and ``admin``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.core.db import transaction
from app.digest.feed_secrets import rotate_feed_secret
from app.digest.links import unsubscribe_token
from app.digest.preferences import member_recipient
from app.drafting.service import create_draft
from app.main import create_app
from app.members.feedback import set_feedback
from app.members.feedback_examples import Verdict
from app.wiring.context import AppContext
from models.consortium import Consortium, ConsortiumMember, LegalForm, TeamRole
from tests.utils.auth import bearer, make_token
from tests.utils.people import (
    GROUP_MEMBER,
    OUTSIDER,
    SAMPLE_GROUP,
    SAMPLE_LEAD,
    load_people,
    make_notice,
)
from tests.utils.routes import is_web_page

ROLES = ("anonymous", "other", "lead", "self", "admin")  # self before admin: it may delete
NOTICE = "boamp:26-0001"
OPEN = dict.fromkeys(ROLES, 200)
ANY_TOKEN = {**OPEN, "anonymous": 401}
SELF_OR_ADMIN = {"anonymous": 401, "self": 200, "other": 403, "lead": 403, "admin": 200}
ADMIN_ONLY = {"anonymous": 401, "self": 403, "other": 403, "lead": 403, "admin": 200}
GROUP_READERS = {"anonymous": 401, "self": 200, "other": 403, "lead": 200, "admin": 200}
GROUP_LEADS = {"anonymous": 401, "self": 403, "other": 403, "lead": 200, "admin": 200}


def _with(expected: dict[str, int], **changes: int) -> dict[str, int]:
    return {**expected, **changes}


def _new_member_token(context: AppContext) -> dict[str, str]:
    token = make_token(context, member_id=GROUP_MEMBER)
    return {"token_id": token.split("_")[1]}


def _lead_alone() -> Consortium:
    """A one-member team of the sample group's lead (made by hand, not by the solver)."""
    member = ConsortiumMember(member_id=SAMPLE_LEAD, role=TeamRole.mandataire, lots=["1"], share=1)
    return Consortium(
        members=[member], mandataire=SAMPLE_LEAD, legal_form=LegalForm.cae, coverage=1, score=1
    )


def _new_draft(context: AppContext) -> dict[str, str]:
    """A stored draft of the sample group for NOTICE."""
    with transaction(context.sessions) as session:
        row = create_draft(
            session=session,
            notice_id=NOTICE,
            group_id=SAMPLE_GROUP,
            proposal=_lead_alone(),
            actor="test",
            today=datetime.now(UTC).date(),
            now=datetime.now(UTC),
        )
    return {"draft_id": row.id}


def _feedback_given(context: AppContext) -> dict[str, str]:
    """A verdict of the member on the notice, for the cells that withdraw it."""
    with transaction(context.sessions) as session:
        set_feedback(
            session=session,
            member_id=GROUP_MEMBER,
            notice_id=NOTICE,
            verdict=Verdict.relevant,
            now=datetime.now(UTC),
        )
    return {}


def _unsubscribe_token(context: AppContext) -> dict[str, str]:
    secret = context.settings.secret_key.get_secret_value()
    return {"token": unsubscribe_token(secret, member_recipient(GROUP_MEMBER))}


def _feed_secret(context: AppContext) -> dict[str, str]:
    with transaction(context.sessions) as session:
        secret = rotate_feed_secret(
            session,
            GROUP_MEMBER,
            secret_key=context.settings.secret_key.get_secret_value(),
            now=datetime.now(UTC),
        )
    return {"secret": secret}


def _group_document(client: TestClient, admin: dict[str, str]) -> dict[str, Any]:
    return client.get(f"/api/groups/{SAMPLE_GROUP}", headers=admin).json()


@dataclass(frozen=True)
class Cell:
    """How to call one route, and the status each role must get."""

    expected: dict[str, int]
    body: Callable[[TestClient, dict[str, str]], Any] | None = None
    params: Callable[[AppContext], dict[str, str]] = field(default=lambda _ctx: {})
    query: dict[str, str] = field(default_factory=dict)


MATRIX: dict[tuple[str, str], Cell] = {
    ("GET", "/health"): Cell(OPEN),
    ("GET", "/openapi.json"): Cell(OPEN),
    ("GET", "/docs"): Cell(OPEN),
    ("GET", "/docs/oauth2-redirect"): Cell(OPEN),
    ("GET", "/redoc"): Cell(OPEN),
    ("GET", "/api/notices"): Cell(ANY_TOKEN),
    ("GET", "/api/notices/{notice_id}"): Cell(ANY_TOKEN),
    ("POST", "/api/members"): Cell(
        _with(ADMIN_ONLY, admin=201),
        body=lambda _c, _a: {"id": "m-new", "name": "New", "expertise": ["Audit énergétique"]},
    ),
    ("GET", "/api/members"): Cell(ADMIN_ONLY),
    ("GET", "/api/admin/runs"): Cell(ADMIN_ONLY),
    ("GET", "/api/admin/quarantine"): Cell(ADMIN_ONLY),
    ("POST", "/api/admin/digests"): Cell(ADMIN_ONLY, body=lambda _c, _a: {"dry_run": True}),
    ("GET", "/api/members/{member_id}"): Cell(SELF_OR_ADMIN),
    ("PATCH", "/api/members/{member_id}"): Cell(
        SELF_OR_ADMIN, body=lambda _c, _a: {"day_rate_eur": 555}
    ),
    ("DELETE", "/api/members/{member_id}"): Cell(_with(SELF_OR_ADMIN, self=204, admin=204)),
    ("GET", "/api/members/{member_id}/export"): Cell(SELF_OR_ADMIN),
    ("GET", "/api/members/{member_id}/intentions"): Cell(SELF_OR_ADMIN),
    ("POST", "/api/groups"): Cell(
        _with(ADMIN_ONLY, admin=201),
        body=lambda c, a: {**_group_document(c, a), "id": "g-new", "name": "New group"},
    ),
    ("GET", "/api/groups"): Cell(ANY_TOKEN),
    ("GET", "/api/groups/{group_id}"): Cell(GROUP_READERS),
    ("PUT", "/api/groups/{group_id}"): Cell(
        GROUP_LEADS, body=lambda c, a: {**_group_document(c, a), "name": "Renamed"}
    ),
    ("GET", "/api/groups/{group_id}/procedure"): Cell(GROUP_READERS),
    ("PUT", "/api/groups/{group_id}/procedure"): Cell(
        GROUP_LEADS, body=lambda c, a: _group_document(c, a)["procedure"]
    ),
    ("PUT", "/api/notices/{notice_id}/intentions/{member_id}"): Cell(
        SELF_OR_ADMIN, body=lambda _c, _a: {"role": "contributor", "lots": ["1"]}
    ),
    ("GET", "/api/notices/{notice_id}/intentions"): Cell(ANY_TOKEN),
    ("GET", "/api/notices/{notice_id}/intentions/{member_id}/events"): Cell(SELF_OR_ADMIN),
    ("POST", "/api/tokens"): Cell(
        _with(ADMIN_ONLY, admin=201), body=lambda _c, _a: {"member_id": GROUP_MEMBER}
    ),
    ("DELETE", "/api/tokens/{token_id}"): Cell(
        _with(SELF_OR_ADMIN, self=204, admin=204), params=_new_member_token
    ),
    ("POST", "/api/notices/{notice_id}/consortia"): Cell(
        GROUP_LEADS, body=lambda _c, _a: {"group_id": SAMPLE_GROUP}
    ),
    ("POST", "/api/notices/{notice_id}/drafts"): Cell(
        _with(GROUP_LEADS, lead=201, admin=201),
        body=lambda _c, _a: {
            "group_id": SAMPLE_GROUP,
            "proposal": _lead_alone().model_dump(mode="json"),
        },
    ),
    ("GET", "/api/notices/{notice_id}/drafts"): Cell(ANY_TOKEN),
    ("GET", "/api/drafts/{draft_id}"): Cell(GROUP_READERS, params=_new_draft),
    ("GET", "/api/drafts/{draft_id}.md"): Cell(GROUP_READERS, params=_new_draft),
    ("GET", "/api/drafts/{draft_id}.docx"): Cell(GROUP_READERS, params=_new_draft),
    ("GET", "/api/drafts/{draft_id}.ics"): Cell(GROUP_READERS, params=_new_draft),
    ("GET", "/api/members/{member_id}/matches"): Cell(SELF_OR_ADMIN),
    ("GET", "/api/members/{member_id}/trade"): Cell(SELF_OR_ADMIN),
    ("PUT", "/api/members/{member_id}/feedback/{notice_id}"): Cell(
        SELF_OR_ADMIN, body=lambda _c, _a: {"verdict": "not_relevant"}
    ),
    ("DELETE", "/api/members/{member_id}/feedback/{notice_id}"): Cell(
        _with(SELF_OR_ADMIN, self=204, admin=204), params=_feedback_given
    ),
    ("GET", "/api/members/{member_id}/feedback"): Cell(SELF_OR_ADMIN),
    ("GET", "/api/notices/{notice_id}/matches"): Cell(ANY_TOKEN),
    ("GET", "/api/search"): Cell(ANY_TOKEN, query={"q": "site internet"}),
    ("GET", "/api/members/{member_id}/preferences"): Cell(SELF_OR_ADMIN),
    ("PUT", "/api/members/{member_id}/preferences"): Cell(
        SELF_OR_ADMIN, body=lambda _c, _a: {"frequency": "weekly", "threshold": 9, "language": "fr"}
    ),
    ("POST", "/api/members/{member_id}/preferences/feeds"): Cell(
        _with(SELF_OR_ADMIN, self=201, admin=201)
    ),
    ("DELETE", "/api/members/{member_id}/preferences/feeds"): Cell(
        _with(SELF_OR_ADMIN, self=204, admin=204)
    ),
    # no token: the signed token or the feed secret in the URL is the permission
    ("GET", "/unsubscribe/{token}"): Cell(OPEN, params=_unsubscribe_token),
    ("POST", "/unsubscribe/{token}"): Cell(OPEN, params=_unsubscribe_token),
    ("GET", "/feeds/{secret}/calendar.ics"): Cell(OPEN, params=_feed_secret),
    ("GET", "/feeds/{secret}/matches.atom"): Cell(OPEN, params=_feed_secret),
}


def app_routes() -> list[tuple[str, str]]:
    """Every (method, path) of the API the app serves (HEAD aside), included routers flattened.

    The web pages sign in by session, not by bearer token: their matrix is in
    ``tests/web/test_web_permissions.py``.
    """
    try:  # FastAPI >= 0.130 keeps included routers as lazy branches of ``app.routes``
        from fastapi.routing import iter_route_contexts
    except ImportError:  # pragma: no cover - older FastAPI: app.routes is already flat
        routes: list[Any] = list(create_app().routes)
    else:
        routes = list(iter_route_contexts(create_app().routes))
    return sorted(
        (method, route.path)
        for route in routes
        if not is_web_page(route)
        for method in (getattr(route, "methods", None) or set()) - {"HEAD"}
    )


def _headers(context: AppContext, role: str) -> dict[str, str]:
    member = {"self": GROUP_MEMBER, "other": OUTSIDER, "lead": SAMPLE_LEAD}.get(role)
    if role == "anonymous":
        return {}
    return bearer(make_token(context, member_id=member, admin=role == "admin"))


def test_matrix_has_no_stale_routes() -> None:
    assert sorted(set(MATRIX) - set(app_routes())) == []


@pytest.mark.parametrize(("method", "path"), app_routes())
def test_route_permissions(method: str, path: str, client: TestClient, context: AppContext) -> None:
    cell = MATRIX.get((method, path))
    if cell is None:
        pytest.fail(f"{method} {path} is not in the permission matrix: add its rules")
    results: dict[str, tuple[int, str]] = {}
    for role in ROLES:
        load_people(context)  # idempotent; restores a member an earlier cell deleted
        make_notice(context, notice_id=NOTICE)
        admin = bearer(make_token(context, admin=True))
        params = {
            "notice_id": NOTICE,
            "member_id": GROUP_MEMBER,
            "group_id": SAMPLE_GROUP,
            **cell.params(context),
        }
        body = cell.body(client, admin) if cell.body else None
        response = client.request(
            method,
            path.format(**params),
            json=body,
            params=cell.query,
            headers=_headers(context, role),
        )
        results[role] = (response.status_code, response.text[:200])
    wrong = {role: got for role, got in results.items() if got[0] != cell.expected[role]}
    assert not wrong, f"{method} {path}: expected {cell.expected}, wrong cells {wrong}"
