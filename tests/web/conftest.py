"""Web fixtures: a store on SQLite loaded with real devset notices, the sample people and
the concertation notice (three lots, open, with the sample intentions)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.core.config import Settings
from app.main import create_app
from app.wiring.background import sync_once
from app.wiring.context import AppContext
from ingest.parse.notice_json import parse_notice_json_line
from ingest.store import NoticeStore
from tests.utils.auth import make_token
from tests.utils.concertation import NOTICE, declare_intentions, make_concertation_notice
from tests.utils.data import devset_lines
from tests.utils.people import load_people

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def load_web_data(context: AppContext, notices: int = 150) -> str:
    """Devset notices, the sample people, the concertation notice and its intentions."""
    NoticeStore(context.sessions).apply_batch(
        [parse_notice_json_line(line) for line in devset_lines(notices)]
    )
    load_people(context)
    make_concertation_notice(context)
    declare_intentions(context)
    assert sync_once(context)
    return NOTICE


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """SQLite only: the pages are the same on PostgreSQL (the store tests cover both)."""
    return Settings(
        data_dir=tmp_path / "data",
        database_url=f"sqlite:///{tmp_path / 'web.sqlite3'}",
        embedder="hashing",
    )


@pytest.fixture
def web_context(settings: Settings) -> Iterator[AppContext]:
    """A migrated, loaded store."""
    ctx = AppContext.open(settings)
    load_web_data(ctx)
    yield ctx
    ctx.close()


@pytest.fixture
def web(web_context: AppContext) -> Iterator[TestClient]:
    """A browser-like client (cookies kept) on the loaded store."""
    with TestClient(create_app(web_context.settings, context=web_context)) as client:
        yield client


def sign_in(client: TestClient, context: AppContext, member_id: str | None) -> str:
    """Open a session by link for a member (or an admin, ``None``); returns its CSRF token."""
    token = make_token(context, member_id=member_id, admin=member_id is None)
    response = client.get(f"/signin/{token}", follow_redirects=False)
    assert response.status_code == 303, response.text
    page = client.get("/profile" if member_id else "/admin")
    found = CSRF.search(page.text)
    assert found, page.text
    return found.group(1)
