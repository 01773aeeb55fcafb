"""The embedded vector index: qdrant-edge shards on disk, one directory per collection.

One process owns an embedded index: qdrant-edge locks a shard's write-ahead log while
the shard is open, and a second ``EdgeShard.load`` of the same directory fails with
"failed to open WAL … WouldBlock", even inside the same process. ``EdgeIndex`` opens
the known collections when it is built, so that a second owner learns it at once as an
``IndexLockedError``. The lock dies with its process; the WAL replays on the next open,
so updates are durable when ``upsert`` returns.

A collection stored with other settings than this version's (another embedder's
dimension, another vector format) cannot be opened with them: it is derived data, so
it is emptied and created again, and the indexer rebuilds it from the store.
"""

from __future__ import annotations

import logging
import shutil
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
from qdrant_edge import (
    CountRequest,
    Distance,
    EdgeConfig,
    EdgeShard,
    EdgeVectorParams,
    FieldCondition,
    Filter,
    IsEmptyCondition,
    MatchAny,
    MatchValue,
    Memory,
    PayloadSchemaType,
    Point,
    Query,
    QueryBatchRequest,
    QueryRequest,
    RangeFloat,
    ScoredPoint,
    ScrollRequest,
    UpdateOperation,
    VectorStorageDatatype,
)

from app.search.index_base import (
    COLLECTIONS,
    PAYLOAD_INDEXES,
    REQUIREMENT,
    Hit,
    IndexedPoint,
    IndexLockedError,
    SearchFilter,
    Vector,
    VectorIndexError,
    as_vector,
    canonical_id,
    check_collection,
)

if TYPE_CHECKING:
    from qdrant_edge import ConditionType

logger = logging.getLogger(__name__)

_CHUNK = 256
_MARKER = "edge_config.json"


class EdgeIndex:
    """Vector index embedded in this process, stored under ``path``."""

    def __init__(
        self, path: Path, dimension: int, *, collections: Sequence[str] = COLLECTIONS
    ) -> None:
        self.path = Path(path)
        self.dimension = dimension
        self._shards: dict[str, EdgeShard] = {}
        self._lock = threading.Lock()
        self._closed = False
        try:
            for name in collections:
                self._shard(name, create=True)
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> EdgeIndex:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def upsert(self, collection: str, points: Sequence[IndexedPoint]) -> None:
        """Insert or replace points by id; the collection is created on first use."""
        edge_points = [
            Point(canonical_id(p.id), as_vector(p.vector, self.dimension), dict(p.payload))
            for p in points
        ]
        if not edge_points:
            return
        shard = self._require(collection)
        for i in range(0, len(edge_points), _CHUNK):
            shard.update(UpdateOperation.upsert_points(edge_points[i : i + _CHUNK]))

    def delete_where(self, collection: str, field: str, values: Sequence[str]) -> None:
        """Delete every point whose payload ``field`` is any of ``values``."""
        shard = self._shard(collection, create=False)
        if shard is None or not values:
            return
        condition: list[ConditionType] = [FieldCondition(field, match=MatchAny(list(values)))]
        shard.update(UpdateOperation.delete_points_by_filter(Filter(must=condition)))

    def drop(self, collection: str) -> None:
        """Close the collection's shard and delete its directory."""
        check_collection(collection)
        with self._lock:
            if self._closed:
                raise VectorIndexError(f"The index at {self.path} is closed")
            shard = self._shards.pop(collection, None)
            if shard is not None:
                shard.close()
            shutil.rmtree(self.path / collection, ignore_errors=True)

    def search(
        self, collection: str, vector: Vector, *, limit: int, filter: SearchFilter | None = None
    ) -> list[Hit]:
        """The ``limit`` nearest points passing ``filter``, best first."""
        return self.search_batch(collection, [vector], limit=limit, filter=filter)[0]

    def search_batch(
        self,
        collection: str,
        vectors: Sequence[Vector] | npt.NDArray[np.float32],
        *,
        limit: int,
        filter: SearchFilter | None = None,
        fields: Sequence[str] | None = None,
    ) -> list[list[Hit]]:
        """``search`` for each vector as one planned batch, results in input order."""
        if limit < 1:
            raise ValueError(f"limit must be at least 1, got {limit}")
        queries = [as_vector(v, self.dimension) for v in vectors]
        shard = self._shard(collection, create=False)
        if shard is None or not queries or (filter is not None and filter.matches_nothing()):
            return [[] for _ in queries]
        edge_filter = _edge_filter(filter)
        payload: bool | list[str] = True if fields is None else list(fields)
        requests = [
            QueryRequest(
                limit=limit, query=Query.Nearest(q), filter=edge_filter, with_payload=payload
            )
            for q in queries
        ]
        if len(requests) == 1:
            return [_hits(shard.query(requests[0]))]
        return [_hits(found) for found in shard.query_batch(QueryBatchRequest(requests))]

    def count(self, collection: str) -> int:
        """Number of points in the collection (0 if it does not exist yet)."""
        shard = self._shard(collection, create=False)
        return 0 if shard is None else shard.count(CountRequest(exact=True))

    def scroll(
        self, collection: str, *, filter: SearchFilter | None = None, with_vectors: bool = False
    ) -> Iterator[IndexedPoint]:
        """Every point passing ``filter``, in id order."""
        shard = self._shard(collection, create=False)
        if shard is None or (filter is not None and filter.matches_nothing()):
            return
        edge_filter = _edge_filter(filter)
        offset: str | int | None = None
        while True:
            request = ScrollRequest(
                offset=offset,
                limit=_CHUNK,
                filter=edge_filter,
                with_payload=True,
                with_vector=with_vectors,
            )
            records, next_offset = shard.scroll(request)
            for record in records:
                vector = record.vector if with_vectors else []
                yield IndexedPoint(
                    id=str(record.id),
                    vector=np.asarray(vector, dtype=np.float32),
                    payload=dict(record.payload or {}),
                )
            if next_offset is None:
                return
            offset = str(next_offset)

    def optimize(self) -> None:
        """Merge segments, build HNSW graphs and vacuum deletions (blocking; after bulk loads)."""
        with self._lock:
            shards = list(self._shards.values())
        for shard in shards:
            shard.optimize()

    def unindexed(self, collection: str) -> int:
        """Points of the collection that searches scan one by one (no HNSW graph yet).

        A shard never optimises by itself: until :meth:`optimize` runs, new points sit
        in a plain segment that every search scans in full.
        """
        shard = self._shard(collection, create=False)
        if shard is None:
            return 0
        info = shard.info()
        return max(0, int(info.points_count) - int(info.indexed_vectors_count))

    def close(self) -> None:
        """Flush and close every shard, releasing their locks; idempotent."""
        with self._lock:
            self._closed = True
            shards, self._shards = list(self._shards.values()), {}
        for shard in shards:
            shard.flush()
            shard.close()

    def _require(self, collection: str) -> EdgeShard:
        shard = self._shard(collection, create=True)
        assert shard is not None  # create=True never gives None
        return shard

    def _shard(self, collection: str, *, create: bool) -> EdgeShard | None:
        """The open shard of ``collection``, opening (or creating) it on first use."""
        check_collection(collection)
        with self._lock:
            if self._closed:
                raise VectorIndexError(f"The index at {self.path} is closed")
            shard = self._shards.get(collection)
            if shard is not None:
                return shard
            directory = self.path / collection
            exists = (directory / _MARKER).exists()
            if not exists and not create:
                return None
            config = self._config(collection)
            try:
                if exists:
                    shard = _load(directory, config)
                else:
                    directory.parent.mkdir(parents=True, exist_ok=True)
                    shard = EdgeShard.create(str(directory), config)
            except Exception as exc:
                raise _translate(exc, directory) from exc
            _ensure_payload_indexes(shard, collection)
            self._shards[collection] = shard
            return shard

    def _config(self, collection: str) -> EdgeConfig:
        # Only requirement passages are searched; member units and CPV labels are read
        # back by key, so their vectors stay on disk instead of a 32 MB chunk held in
        # memory for a few hundred or thousand points.
        memory = None if collection == REQUIREMENT else Memory.Cold
        vectors = EdgeVectorParams(
            size=self.dimension,
            distance=Distance.Cosine,
            datatype=VectorStorageDatatype.Float16,
            memory=memory,
        )
        return EdgeConfig(vectors=vectors)


def _load(directory: Path, config: EdgeConfig) -> EdgeShard:
    """Open a stored shard; one stored with other settings is emptied and created again."""
    try:
        return EdgeShard.load(str(directory), config)
    except Exception as exc:
        if "incompatible" not in str(exc):
            raise
        reason = str(exc)
    # Opened without settings, the shard checks only its lock: never delete a shard
    # that another process holds (this raises WouldBlock then).
    EdgeShard.load(str(directory)).close()
    logger.warning(
        "index collection stored with other settings: emptied, to be rebuilt",
        extra={"collection": directory.name, "reason": reason},
    )
    shutil.rmtree(directory)
    return EdgeShard.create(str(directory), config)


def _translate(exc: Exception, directory: Path) -> Exception:
    """The dedicated error for a qdrant-edge failure (it raises plain ``Exception``)."""
    message = str(exc)
    if "WouldBlock" in message:
        return IndexLockedError(
            f"The embedded index at {directory} is open in another process (or another "
            "EdgeIndex of this process); one process owns it. Leave indexing to that "
            "process, or share a Qdrant server through COTENDER_QDRANT_URL."
        )
    return VectorIndexError(f"Cannot open the index at {directory}: {message}")


_SCHEMAS = {"keyword": PayloadSchemaType.Keyword, "float": PayloadSchemaType.Float}


def _ensure_payload_indexes(shard: EdgeShard, collection: str) -> None:
    """Give the shard exactly the payload indexes its collection's filters use."""
    present = set(shard.info().payload_schema)
    wanted = dict(PAYLOAD_INDEXES.get(collection, ()))
    for name in present - set(wanted):
        shard.update(UpdateOperation.delete_field_index(name))
    for name, kind in wanted.items():
        if name not in present:
            shard.update(UpdateOperation.create_field_index(name, _SCHEMAS[kind]))


def _edge_filter(search_filter: SearchFilter | None) -> Filter | None:
    """``search_filter`` in qdrant-edge terms (see ``SearchFilter`` for the semantics)."""
    if search_filter is None:
        return None
    must: list[ConditionType] = [
        FieldCondition(key, match=MatchAny(values)) for key, values in search_filter.any_of()
    ]
    since = search_filter.open_since()
    if since is not None:
        # IsEmpty matches a missing key, null and []: an unknown deadline counts as open.
        deadline: list[ConditionType] = [
            FieldCondition("deadline_ts", range=RangeFloat(gte=since)),
            IsEmptyCondition("deadline_ts"),
        ]
        must += [FieldCondition("status", match=MatchValue("open")), Filter(should=deadline)]
    return Filter(must=must) if must else None


def _hits(points: list[ScoredPoint]) -> list[Hit]:
    return [Hit(id=str(p.id), score=float(p.score), payload=dict(p.payload or {})) for p in points]
