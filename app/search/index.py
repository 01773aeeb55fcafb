"""The vector index: one contract, two backends, chosen by settings.

- ``EdgeIndex`` (default): qdrant-edge in this process, on disk under
  ``settings.index_dir``. One process owns it; another gets ``IndexLockedError``.
- ``QdrantServerIndex``: a Qdrant server or cluster at ``COTENDER_QDRANT_URL``, shared
  by any number of processes.

Both search by cosine similarity and apply the same ``SearchFilter`` semantics; the
contract is pinned by ``tests/search/test_index_contract.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.core.config import Settings
from app.search.edge_index import EdgeIndex
from app.search.index_base import (
    COLLECTIONS,
    EXPERTISE,
    LABEL,
    REQUIREMENT,
    Hit,
    IndexDimensionError,
    IndexedPoint,
    IndexLockedError,
    SearchFilter,
    VectorIndex,
    VectorIndexError,
    point_id,
)

if TYPE_CHECKING:
    from app.search.server_index import QdrantServerIndex

__all__ = [
    "COLLECTIONS",
    "EXPERTISE",
    "LABEL",
    "REQUIREMENT",
    "EdgeIndex",
    "Hit",
    "IndexDimensionError",
    "IndexLockedError",
    "IndexedPoint",
    "QdrantServerIndex",
    "SearchFilter",
    "VectorIndex",
    "VectorIndexError",
    "open_index",
    "point_id",
]


def __getattr__(name: str) -> Any:
    # qdrant-client (80 MB resident once imported) loads only for a Qdrant server.
    if name == "QdrantServerIndex":
        from app.search.server_index import QdrantServerIndex

        return QdrantServerIndex
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def open_index(settings: Settings, dimension: int) -> VectorIndex:
    """The server index when ``QDRANT_URL`` is set, else the embedded one in ``index_dir``.

    Raises ``IndexLockedError`` when another process owns the embedded index.
    """
    if settings.qdrant_url:
        from qdrant_client import QdrantClient

        from app.search.server_index import QdrantServerIndex

        api_key = settings.qdrant_api_key.get_secret_value() if settings.qdrant_api_key else None
        return QdrantServerIndex(QdrantClient(url=settings.qdrant_url, api_key=api_key), dimension)
    return EdgeIndex(settings.index_dir, dimension)
