"""``cotender members``, ``groups`` and ``token`` commands, end to end on a temporary store."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import Result
from sqlalchemy import func, select
from typer.testing import CliRunner

from app.auth.principal import resolve_principal
from app.cli.main import cli
from app.core.config import Settings, get_settings
from app.demo import demo_people
from app.wiring.context import AppContext
from models.schema import MemberRow
from tests.utils.data import DEVSET

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


def _run(env: dict[str, str], *args: str, answer: str | None = None) -> Result:
    get_settings.cache_clear()
    return runner.invoke(cli, list(args), env=env, input=answer)


def _open(env: dict[str, str]) -> AppContext:
    settings = Settings(
        data_dir=Path(env["COTENDER_DATA_DIR"]), database_url=env["COTENDER_DATABASE_URL"]
    )
    return AppContext.open(settings)


def _member_count(env: dict[str, str]) -> int:
    context = _open(env)
    try:
        with context.sessions() as session:
            return session.scalar(select(func.count()).select_from(MemberRow)) or 0
    finally:
        context.close()


def test_members_and_groups_import_json(env: dict[str, str]) -> None:
    result = _run(env, "members", "import", str(DEVSET / "members.yaml"), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"imported": 12, "updated": 0, "unchanged": 0, "errors": []}
    result = _run(env, "groups", "import", str(DEVSET / "group.yaml"), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["imported"] == 1
    again = _run(env, "members", "import", str(DEVSET / "members.yaml"))
    assert again.exit_code == 0 and "12 unchanged" in again.stderr


def test_members_import_errors_exit_nonzero_and_write_nothing(
    env: dict[str, str], tmp_path: Path
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "- id: m-a\n  name: A\n  expertise: [Conception graphique]\n"
        "- id: m-b\n  name: B\n  expertise: [Animation]\n  regions: ['00']\n",
        encoding="utf-8",
    )
    result = _run(env, "members", "import", str(path), "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["errors"] == [
        {"line": 7, "id": "m-b", "field": "regions", "message": "not a French department code: 00"}
    ]
    text = _run(env, "members", "import", str(path))
    assert text.exit_code == 1
    assert "line 7: m-b regions: not a French department code: 00" in text.stderr
    assert "nothing was imported" in text.stderr
    assert _member_count(env) == 0


def test_token_create_and_revoke(env: dict[str, str]) -> None:
    _run(env, "members", "import", str(DEVSET / "members.yaml"))
    _run(env, "groups", "import", str(DEVSET / "group.yaml"))
    created = _run(env, "token", "create", "--member", "m-studies", "--days", "7")
    assert created.exit_code == 0, created.output
    token = created.stdout.strip()
    assert token.startswith("ctd_") and len(token.split("_", 2)[1]) == 16
    context = _open(env)
    try:
        secret = context.settings.secret_key.get_secret_value()
        with context.sessions() as session:
            principal = resolve_principal(
                session=session, token=token, secret_key=secret, now=datetime.now(UTC)
            )
        assert principal is not None and principal.lead_of_groups == {"g-participation"}
        revoked = _run(env, "token", "revoke", token.split("_")[1])
        assert revoked.exit_code == 0, revoked.output
        with context.sessions() as session:
            assert (
                resolve_principal(
                    session=session, token=token, secret_key=secret, now=datetime.now(UTC)
                )
                is None
            )
    finally:
        context.close()
    admin = _run(env, "token", "create", "--admin", "--json")
    assert admin.exit_code == 0 and json.loads(admin.stdout)["is_admin"] is True
    assert _run(env, "token", "create").exit_code == 2
    assert _run(env, "token", "create", "--admin", "--member", "m-comm").exit_code == 2
    assert _run(env, "token", "create", "--member", "m-nobody").exit_code == 1
    assert _run(env, "token", "revoke", "0123456789abcdef").exit_code == 1


def test_members_export_and_delete(env: dict[str, str]) -> None:
    _run(env, "members", "import", str(DEVSET / "members.yaml"))
    exported = _run(env, "members", "export", "m-comm")
    assert exported.exit_code == 0, exported.output
    data = json.loads(exported.stdout)
    assert data["member"]["id"] == "m-comm" and data["intentions"] == []
    assert _run(env, "members", "delete", "m-comm", answer="n\n").exit_code == 1
    assert _member_count(env) == 12
    assert _run(env, "members", "delete", "m-comm", "--yes").exit_code == 0
    assert _member_count(env) == 11
    assert _run(env, "members", "export", "m-comm").exit_code == 1
    assert _run(env, "members", "delete", "m-comm", "--yes").exit_code == 1


def test_demo_people_is_idempotent_and_prints_working_tokens(context: AppContext) -> None:
    first = demo_people(context)
    second = demo_people(context)
    assert first[0] == "demo members: 12 new, 0 updated, 0 unchanged, 0 errors"
    assert second[:2] == [
        "demo members: 0 new, 0 updated, 12 unchanged, 0 errors",
        "demo groups: 0 new, 0 updated, 1 unchanged, 0 errors",
    ]
    tokens = [line.split()[-1] for line in second if "token" in line and "ctd_" in line]
    assert len(tokens) == 2
    secret = context.settings.secret_key.get_secret_value()
    with context.sessions() as session:
        admin, lead = (
            resolve_principal(session=session, token=t, secret_key=secret, now=datetime.now(UTC))
            for t in tokens
        )
    assert admin is not None and admin.is_admin
    assert lead is not None and lead.member_id == "m-studies"
    assert lead.lead_of_groups == {"g-participation"}
