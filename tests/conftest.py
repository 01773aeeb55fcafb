"""Shared fixtures: a real store on SQLite and on PostgreSQL, and an API client.

PostgreSQL runs at 127.0.0.1:5432 (trust auth, database ``test``); each test gets
its own schema through the URL's ``options=-csearch_path=…``, so tests never see
each other's rows and can run while another suite uses the same database.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from app.core.config import Settings
from app.main import create_app
from app.wiring.context import AppContext

PG_ROOT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[object]:
    """An engine on the test database, used to create and drop per-test schemas."""
    engine = create_engine(PG_ROOT_URL, isolation_level="AUTOCOMMIT")
    yield engine
    engine.dispose()


def _postgres_url(pg_admin: object, schema: str) -> str:
    with pg_admin.connect() as conn:  # type: ignore[attr-defined]
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    return f"{PG_ROOT_URL}?options=-csearch_path%3D{schema}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL: a SQLite file, then a PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.sqlite3'}"
        return
    admin = request.getfixturevalue("pg_admin")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    yield _postgres_url(admin, schema)
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    """Settings for one test: its own data folder and database, a cheap embedder."""
    return Settings(data_dir=tmp_path / "data", database_url=database_url, embedder="hashing")


@pytest.fixture
def context(settings: Settings) -> Iterator[AppContext]:
    """A migrated store."""
    ctx = AppContext.open(settings)
    yield ctx
    ctx.close()


@pytest.fixture
def client(context: AppContext) -> Iterator[TestClient]:
    """An API client whose lifespan runs on the test's store."""
    with TestClient(create_app(context.settings, context=context)) as test_client:
        yield test_client
