"""No input makes the API fail: schemathesis explores every operation of the OpenAPI schema.

It runs in-process (ASGI) with an admin token, so every route is reached past
its access check, on a store holding the sample people and an open notice.
Each operation gets a few valid (positive) and invalid (negative) examples,
derandomised so the run is reproducible and stays well under a minute on two
cores for both databases. Inputs a generator rarely finds (NUL characters,
which PostgreSQL refuses) are probed by hand below.
"""

from __future__ import annotations

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error

from app.wiring.context import AppContext
from tests.utils.auth import admin_headers
from tests.utils.people import GROUP_MEMBER, SAMPLE_GROUP, load_people, make_notice

EXAMPLES_PER_OPERATION = 10
NOTICE = "boamp:26-0001"


def test_no_server_error_on_any_input(client: TestClient, context: AppContext) -> None:
    load_people(context)
    make_notice(context, notice_id=NOTICE)
    headers = admin_headers(context)
    schema = schemathesis.openapi.from_asgi("/openapi.json", client.app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    for operation in operations:
        for mode in schemathesis.GenerationMode:

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES_PER_OPERATION,
                deadline=None,
                database=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
            )
            def explore(case: schemathesis.Case) -> None:
                case.call_and_validate(headers=headers, checks=[not_a_server_error])

            try:
                explore()
            except Unsatisfiable:
                assert mode is schemathesis.GenerationMode.NEGATIVE  # nothing to make invalid


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("GET", "/api/members/m%00", None),
        ("PATCH", f"/api/members/{GROUP_MEMBER}", {"name": "a\x00b"}),
        ("POST", "/api/members", {"id": "m-x", "name": "x", "expertise": ["abc\x00"]}),
        ("GET", "/api/groups/g%00", None),
        (
            "PUT",
            f"/api/groups/{SAMPLE_GROUP}/procedure",
            {"steps": [{"key": "a", "title": "\x00", "owner": "lead", "offset_days": 1}]},
        ),
        ("GET", "/api/notices/boamp:x%00/intentions", None),
        (
            "PUT",
            f"/api/notices/{NOTICE}/intentions/{GROUP_MEMBER}",
            {"role": "lead", "lots": ["1\x00"]},
        ),
        (
            "PUT",
            f"/api/notices/{NOTICE}/intentions/{GROUP_MEMBER}",
            {"role": "lead", "comment": "\x00"},
        ),
        ("DELETE", "/api/tokens/%00", None),
        ("GET", "/api/notices/boamp:x%00", None),
        ("GET", "/api/notices?q=%00", None),
    ],
)
def test_nul_characters_never_reach_the_store(
    method: str, url: str, body: object, client: TestClient, context: AppContext
) -> None:
    load_people(context)
    make_notice(context, notice_id=NOTICE)
    with TestClient(client.app, raise_server_exceptions=False) as raw:
        response = raw.request(method, url, json=body, headers=admin_headers(context))
    assert response.status_code < 500, response.text
