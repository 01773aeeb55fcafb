"""The database engine, sessions and migrations, built once per process.

SQLite (the embedded default) runs in WAL mode with a busy timeout so the API
server can read while a nightly ingestion writes; PostgreSQL is chosen by URL.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from models.errors import ConflictError

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "models" / "migrations"


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_db_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite files get their folder created and WAL enabled."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _tune_sqlite)
        return engine
    return create_engine(url, pool_pre_ping=True)


def migrate(engine: Engine, *, revision: str = "head") -> None:
    """Bring the schema to an Alembic revision, the latest by default (idempotent).

    An earlier ``revision`` lets a test build an old schema and check the next
    migration fills it in.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error."""
    with factory() as session, session.begin():
        yield session


@contextmanager
def committed(session: Session, *, conflict: str) -> Iterator[None]:
    """Commit what the block writes; a racing insert of the same key is a ``ConflictError``.

    The use cases that create a record check that its id is free, but two calls
    at once may both pass the check: the database's unique key decides, and the
    loser is told ``conflict``.
    """
    try:
        yield
        session.commit()
    except IntegrityError as error:
        session.rollback()
        raise ConflictError(conflict) from error
