"""The vector index on a Qdrant server or cluster, through ``qdrant-client``.

Several API processes and the ingestion jobs share one server, so nothing here is
locked. Collections are named ``<prefix><collection>`` so that deployments can share a
cluster. Writes wait for the server to apply them (``wait=True``): a point is searchable
once ``upsert`` returns.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence

import numpy as np
import numpy.typing as npt
from qdrant_client import QdrantClient, models

from app.search.index_base import (
    PAYLOAD_INDEXES,
    Hit,
    IndexDimensionError,
    IndexedPoint,
    SearchFilter,
    Vector,
    as_vector,
    canonical_id,
    check_collection,
)

_CHUNK = 256
_SCHEMAS = {"keyword": models.PayloadSchemaType.KEYWORD, "float": models.PayloadSchemaType.FLOAT}


class QdrantServerIndex:
    """Vector index in a Qdrant server or cluster (or ``QdrantClient(":memory:")`` in tests)."""

    def __init__(self, client: QdrantClient, dimension: int, *, prefix: str = "cotender_") -> None:
        self.client = client
        self.dimension = dimension
        self.prefix = prefix
        self._ready: set[str] = set()

    def __enter__(self) -> QdrantServerIndex:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def upsert(self, collection: str, points: Sequence[IndexedPoint]) -> None:
        """Insert or replace points by id; the collection is created on first use."""
        structs = [
            models.PointStruct(
                id=canonical_id(p.id),
                vector=as_vector(p.vector, self.dimension),
                payload=dict(p.payload),
            )
            for p in points
        ]
        if not structs:
            return
        name = self._require(collection)
        for i in range(0, len(structs), _CHUNK):
            self.client.upsert(name, points=structs[i : i + _CHUNK], wait=True)

    def delete_where(self, collection: str, field: str, values: Sequence[str]) -> None:
        """Delete every point whose payload ``field`` is any of ``values``."""
        name = self._collection(collection, create=False)
        if name is None or not values:
            return
        condition = models.FieldCondition(key=field, match=models.MatchAny(any=list(values)))
        selector = models.FilterSelector(filter=models.Filter(must=[condition]))
        self.client.delete(name, points_selector=selector, wait=True)

    def drop(self, collection: str) -> None:
        """Delete the collection on the server (the next write creates it again)."""
        name = self.prefix + check_collection(collection)
        if self.client.collection_exists(name):
            self.client.delete_collection(name)
        self._ready.discard(name)

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
        """``search`` for each vector in one request, results in input order."""
        if limit < 1:
            raise ValueError(f"limit must be at least 1, got {limit}")
        queries = [as_vector(v, self.dimension) for v in vectors]
        name = self._collection(collection, create=False)
        if name is None or not queries or (filter is not None and filter.matches_nothing()):
            return [[] for _ in queries]
        query_filter = _client_filter(filter)
        requests = [
            models.QueryRequest(
                query=q,
                limit=limit,
                filter=query_filter,
                with_payload=True if fields is None else list(fields),
            )
            for q in queries
        ]
        responses = self.client.query_batch_points(name, requests=requests)
        return [_hits(response.points) for response in responses]

    def count(self, collection: str) -> int:
        """Number of points in the collection (0 if it does not exist yet)."""
        name = self._collection(collection, create=False)
        return 0 if name is None else self.client.count(name, exact=True).count

    def scroll(
        self, collection: str, *, filter: SearchFilter | None = None, with_vectors: bool = False
    ) -> Iterator[IndexedPoint]:
        """Every point passing ``filter``, in id order."""
        name = self._collection(collection, create=False)
        if name is None or (filter is not None and filter.matches_nothing()):
            return
        scroll_filter = _client_filter(filter)
        offset: models.ExtendedPointId | None = None
        while True:
            records, offset = self.client.scroll(
                name,
                scroll_filter=scroll_filter,
                limit=_CHUNK,
                offset=offset,
                with_payload=True,
                with_vectors=with_vectors,
            )
            for record in records:
                vector = record.vector if with_vectors else []
                yield IndexedPoint(
                    id=str(record.id),
                    vector=np.asarray(vector, dtype=np.float32),
                    payload=dict(record.payload or {}),
                )
            if offset is None:
                return

    def close(self) -> None:
        """Close the client's connections; idempotent."""
        self.client.close()

    def _require(self, collection: str) -> str:
        name = self._collection(collection, create=True)
        assert name is not None  # create=True never gives None
        return name

    def _collection(self, collection: str, *, create: bool) -> str | None:
        """The server-side name of ``collection``, creating it on first write."""
        name = self.prefix + check_collection(collection)
        if name in self._ready:
            return name
        if self.client.collection_exists(name):
            self._check_dimension(name)
        elif create:
            self._create(name, collection)
        else:
            return None
        self._ready.add(name)
        return name

    def _check_dimension(self, name: str) -> None:
        params = self.client.get_collection(name).config.params.vectors
        size = params.size if isinstance(params, models.VectorParams) else None
        if size != self.dimension:
            raise IndexDimensionError(
                f"Qdrant collection {name!r} holds vectors of size {size}, not "
                f"{self.dimension}: it was built with another embedder; rebuild it "
                "(cotender index rebuild)"
            )

    def _create(self, name: str, collection: str) -> None:
        vectors = models.VectorParams(
            size=self.dimension,
            distance=models.Distance.COSINE,
            datatype=models.Datatype.FLOAT16,
        )
        self.client.create_collection(name, vectors_config=vectors)
        schemas = [(field, _SCHEMAS[kind]) for field, kind in PAYLOAD_INDEXES.get(collection, ())]
        with warnings.catch_warnings():
            # qdrant-client's local mode (":memory:", tests) warns that it has no payload
            # indexes; a real server builds them.
            warnings.filterwarnings("ignore", message="Payload indexes have no effect")
            for field, schema in schemas:
                self.client.create_payload_index(name, field, schema, wait=True)


def _client_filter(search_filter: SearchFilter | None) -> models.Filter | None:
    """``search_filter`` in qdrant-client terms (see ``SearchFilter`` for the semantics)."""
    if search_filter is None:
        return None
    must: list[models.Condition] = [
        models.FieldCondition(key=key, match=models.MatchAny(any=values))
        for key, values in search_filter.any_of()
    ]
    since = search_filter.open_since()
    if since is not None:
        # IsEmpty matches a missing key, null and []: an unknown deadline counts as open.
        deadline: list[models.Condition] = [
            models.FieldCondition(key="deadline_ts", range=models.Range(gte=since)),
            models.IsEmptyCondition(is_empty=models.PayloadField(key="deadline_ts")),
        ]
        must += [
            models.FieldCondition(key="status", match=models.MatchValue(value="open")),
            models.Filter(should=deadline),
        ]
    return models.Filter(must=must) if must else None


def _hits(points: list[models.ScoredPoint]) -> list[Hit]:
    return [Hit(id=str(p.id), score=float(p.score), payload=dict(p.payload or {})) for p in points]
