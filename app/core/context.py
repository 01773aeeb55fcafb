"""The process-wide resources (settings, database), built once per process."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from app.core.config import Settings
from app.core.db import create_db_engine, migrate, session_factory


@dataclass
class AppContext:
    """What every entry point needs: settings, a migrated engine and sessions."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]

    @classmethod
    def open(cls, settings: Settings) -> AppContext:
        """Create the data folder, connect and migrate the schema to head."""
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        engine = create_db_engine(settings.effective_database_url)
        migrate(engine)
        return cls(settings=settings, engine=engine, sessions=session_factory(engine))

    def close(self) -> None:
        """Release database connections."""
        self.engine.dispose()
