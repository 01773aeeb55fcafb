"""The one handler of ``app/api/errors.py``: each domain refusal in the one error shape."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.api.errors import install_error_handlers
from app.consortia.errors import NoFeasibleTeamError
from app.drafting.errors import DraftError
from app.notices.queries import NoticeClosedError
from models.errors import (
    ConflictError,
    CotenderError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
)

REFUSALS: dict[str, CotenderError] = {
    "not-found": NotFoundError("member m-x not found"),
    "conflict": ConflictError("group g-x already exists"),
    "closed": NoticeClosedError("notice boamp:26-1 is cancelled: nothing to answer"),
    "forbidden": ForbiddenError("not allowed"),
    "invalid": InvalidInputError(
        "lots.1: notice has no lot 9", [{"field": "lots.1", "message": "notice has no lot 9"}]
    ),
    "invalid-whole": InvalidInputError(
        "a token is either for one member or for an admin",
        [{"field": "", "message": "a token is either for one member or for an admin"}],
    ),
    "draft": DraftError("proposal.mandataire", "member 'm-x' not found"),
    "no-fields": InvalidInputError("candidate 'm-a': negative availability"),
    "assembly": NoFeasibleTeamError("no candidate covers anything"),
}


@pytest.fixture(scope="module")
def client() -> TestClient:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/refuse/{case}")
    def refuse(case: str) -> None:
        raise REFUSALS[case]

    return TestClient(app, raise_server_exceptions=False)


@pytest.mark.parametrize(
    ("case", "status", "code", "fields"),
    [
        ("not-found", 404, "not_found", []),
        ("conflict", 409, "conflict", []),
        ("closed", 409, "conflict", []),
        ("forbidden", 403, "forbidden", []),
        (
            "invalid",
            422,
            "validation_error",
            [{"field": "body.lots.1", "message": "notice has no lot 9"}],
        ),
        (
            "invalid-whole",
            422,
            "validation_error",
            [{"field": "body", "message": "a token is either for one member or for an admin"}],
        ),
        (
            "draft",
            422,
            "validation_error",
            [{"field": "proposal.mandataire", "message": "member 'm-x' not found"}],
        ),
        ("no-fields", 422, "validation_error", []),
    ],
)
def test_each_refusal_has_its_status_and_the_one_shape(
    client: TestClient, case: str, status: int, code: str, fields: list[dict[str, str]]
) -> None:
    response = client.get(f"/refuse/{case}")
    assert response.status_code == status
    assert response.json() == {
        "error": {
            "status": status,
            "code": code,
            "message": REFUSALS[case].message,
            "fields": fields,
        }
    }


def test_a_domain_failure_that_is_no_refusal_is_an_internal_error(client: TestClient) -> None:
    response = client.get("/refuse/assembly")
    assert response.status_code == 500
    assert response.json()["error"] == {
        "status": 500,
        "code": "error",
        "message": "internal error",
        "fields": [],
    }
