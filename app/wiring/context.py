"""The process-wide resources (settings, database, embedder), built once per process."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from app.core.config import Settings
from app.core.db import create_db_engine, migrate, session_factory
from app.matching.engine import MatchingEngine, limit_blas_threads, tune_garbage_collector
from app.search.embedder import CachingEmbedder, Embedder, load_embedder
from app.search.index import VectorIndex, open_index


@dataclass
class AppContext:
    """What every entry point needs: settings, the store, the embedder and the vector index."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    _embedder: Embedder | None = field(default=None, repr=False)
    _index: VectorIndex | None = field(default=None, repr=False)
    _matching: MatchingEngine | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def open(cls, settings: Settings) -> AppContext:
        """Create the data folder, connect and migrate the schema to head."""
        limit_blas_threads()  # once per process, before any scoring (see its docstring)
        tune_garbage_collector()
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        engine = create_db_engine(settings.effective_database_url)
        migrate(engine)
        return cls(settings=settings, engine=engine, sessions=session_factory(engine))

    @property
    def embedder(self) -> Embedder:
        """The embedding model, loaded on first use and remembering recent texts."""
        with self._lock:
            if self._embedder is None:
                self._embedder = CachingEmbedder(load_embedder(self.settings.embedder))
            return self._embedder

    @property
    def index(self) -> VectorIndex:
        """The vector index, opened on first use.

        Raises ``IndexLockedError`` when another process owns the embedded index;
        callers then leave indexing to that process.
        """
        embedder = self.embedder
        with self._lock:
            if self._index is None:
                self._index = open_index(self.settings, embedder.dimension)
            return self._index

    @property
    def matching(self) -> MatchingEngine:
        """The matching engine over the store and the index (one per process)."""
        index, embedder = self.index, self.embedder
        with self._lock:
            if self._matching is None:
                self._matching = MatchingEngine(self.sessions, index, embedder)
            return self._matching

    def close(self) -> None:
        """Release the vector index and database connections."""
        with self._lock:
            if self._index is not None:
                self._index.close()
                self._index = None
            self._matching = None
        self.engine.dispose()
