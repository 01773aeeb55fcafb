"""Feedback is the member's data: exported with them, erased with them; the CLI records it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import Result
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from app.cli.main import cli
from app.core.config import Settings, get_settings
from app.matching.strength import strength_of
from app.wiring.background import sync_once
from app.wiring.context import AppContext
from ingest.parse.notice_json import parse_notice_json_line
from ingest.store import NoticeStore
from models.schema import MemberFeedbackRow
from tests.utils.auth import admin_headers, member_headers
from tests.utils.data import devset_lines
from tests.utils.people import load_people


def _notices(context: AppContext, count: int = 3) -> list[str]:
    lines = devset_lines(count)
    NoticeStore(context.sessions).apply_batch([parse_notice_json_line(line) for line in lines])
    return [json.loads(line)["id"] for line in lines]


def _feedback_rows(context: AppContext) -> int:
    with context.sessions() as session:
        return session.scalar(select(func.count()).select_from(MemberFeedbackRow)) or 0


def test_feedback_is_exported_and_deleted_with_the_member(
    context: AppContext, client: TestClient
) -> None:
    load_people(context)
    first, second, _ = _notices(context)
    headers = member_headers(context, "m-web")
    client.put(
        f"/api/members/m-web/feedback/{first}", json={"verdict": "relevant"}, headers=headers
    )
    client.put(
        f"/api/members/m-web/feedback/{second}", json={"verdict": "not_relevant"}, headers=headers
    )
    client.put(
        f"/api/members/m-comm/feedback/{first}",
        json={"verdict": "relevant"},
        headers=admin_headers(context),
    )
    export = client.get("/api/members/m-web/export", headers=headers)
    assert export.status_code == 200
    assert sorted((f["notice_id"], f["verdict"]) for f in export.json()["feedback"]) == [
        (first, "relevant"),
        (second, "not_relevant"),
    ]
    assert client.delete("/api/members/m-web", headers=headers).status_code == 204
    assert _feedback_rows(context) == 1  # m-comm's verdict stays
    listed = client.get("/api/members/m-comm/feedback", headers=admin_headers(context)).json()
    assert [f["notice_id"] for f in listed] == [first]


runner = CliRunner()


@pytest.fixture
def env(database_url: str, tmp_path: Path) -> Iterator[dict[str, str]]:
    """Environment pointing the CLI at a fresh store (settings are cached per process)."""
    get_settings.cache_clear()
    yield {
        "COTENDER_DATA_DIR": str(tmp_path / "data"),
        "COTENDER_DATABASE_URL": database_url,
        "COTENDER_EMBEDDER": "hashing",
    }
    get_settings.cache_clear()


def _run(env: dict[str, str], *args: str) -> Result:
    get_settings.cache_clear()
    return runner.invoke(cli, list(args), env=env)


def test_cli_sets_lists_withdraws_and_exports_feedback(env: dict[str, str]) -> None:
    settings = Settings(
        data_dir=Path(env["COTENDER_DATA_DIR"]),
        database_url=env["COTENDER_DATABASE_URL"],
        embedder="hashing",
    )
    context = AppContext.open(settings)
    try:
        load_people(context)
        first, second, _ = _notices(context)
    finally:
        context.close()
    done = _run(env, "feedback", "set", "m-web", first, "relevant", "--json")
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["verdict"] == "relevant"
    assert _run(env, "feedback", "set", "m-web", second, "not_relevant").exit_code == 0
    assert _run(env, "feedback", "set", "m-web", first, "not_relevant").exit_code == 0
    listed = _run(env, "feedback", "list", "m-web", "--json")
    assert sorted((f["notice_id"], f["verdict"]) for f in json.loads(listed.stdout)) == [
        (first, "not_relevant"),
        (second, "not_relevant"),
    ]
    bad = _run(env, "feedback", "set", "m-web", first, "maybe")
    assert bad.exit_code == 2  # refused by the command line, nothing stored
    unknown = _run(env, "feedback", "set", "m-web", "boamp:99-00000", "relevant")
    assert unknown.exit_code == 1 and "boamp:99-00000" in unknown.output
    assert _run(env, "feedback", "list", "m-nobody").exit_code == 1
    assert _run(env, "feedback", "withdraw", "m-web", second).exit_code == 0
    exported = json.loads(_run(env, "members", "export", "m-web").stdout)
    assert [(f["notice_id"], f["verdict"]) for f in exported["feedback"]] == [
        (first, "not_relevant")
    ]


def test_cli_match_member_learns_from_feedback(env: dict[str, str]) -> None:
    settings = Settings(
        data_dir=Path(env["COTENDER_DATA_DIR"]),
        database_url=env["COTENDER_DATABASE_URL"],
        embedder="hashing",
    )
    context = AppContext.open(settings)
    try:
        load_people(context)
        _notices(context, 60)
        assert sync_once(context)
    finally:
        context.close()
    args = ("match", "member", "m-web", "--limit", "5", "--json")
    before = json.loads(_run(env, *args).stdout)["matches"]
    refused = before[0]["notice_id"]
    assert _run(env, "feedback", "set", "m-web", refused, "not_relevant").exit_code == 0
    after = json.loads(_run(env, *args).stdout)["matches"]
    assert refused not in [m["notice_id"] for m in after] and len(after) == 5
    text = _run(env, "match", "member", "m-web", "--limit", "5")
    assert text.exit_code == 0 and refused not in text.stdout
    # Each line: the score, its band, the notice.
    lines = [line.split() for line in text.stdout.splitlines() if "«" not in line]
    expected = [[f"{m['score']:.3f}", strength_of(m["score"]).value, m["notice_id"]] for m in after]
    assert [line[:3] for line in lines] == expected
