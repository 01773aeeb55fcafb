"""The vector index contract shared by both backends (import it from ``app.search.index``).

Exceptions::

    VectorIndexError
    ├── IndexLockedError        another process (or another handle) owns the embedded index
    └── IndexDimensionError     the stored vectors have another size than the embedder's

Collections and payloads. ``requirement`` holds notice and lot requirement passages
written in the notice (payload: ``notice_id``, ``lot`` (str or None), ``kind``, ``text``,
``deadline_ts`` (epoch seconds, None when unknown), ``status``, ``places`` (list),
``nature``, ``source``); ``label`` holds the CPV label passages (``code``, ``language``,
``text``), once per code and language however many notices carry the code;
``expertise`` holds member units (``member_id``, ``kind``, ``text``). Point ids are
UUID strings: derive them with ``point_id(key...)``.

Vectors are stored as float16: half the memory of float32 (the requirement vectors are
most of a large index's memory), for cosines that move by about 1e-4.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol

import numpy as np
import numpy.typing as npt

REQUIREMENT = "requirement"
EXPERTISE = "expertise"
LABEL = "label"
COLLECTIONS = (REQUIREMENT, EXPERTISE, LABEL)

PayloadType = Literal["keyword", "float"]
PAYLOAD_INDEXES: dict[str, tuple[tuple[str, PayloadType], ...]] = {
    REQUIREMENT: (
        ("notice_id", "keyword"),
        ("status", "keyword"),
        ("places", "keyword"),
        ("nature", "keyword"),
        ("source", "keyword"),
        ("deadline_ts", "float"),
    ),
    EXPERTISE: (("member_id", "keyword"),),
    LABEL: (("code", "keyword"),),
}
"""The payload fields each collection indexes: exactly those its ``SearchFilter`` reads.

Filtering on another field scans (rightly slow), and an index nobody reads holds RAM
for nothing (70 MB at 430k points for a list of CPV codes per passage, once).
"""

_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://cotender.invalid/vector-index")
_COLLECTION_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")

Vector = npt.NDArray[np.float32] | Sequence[float]


class VectorIndexError(Exception):
    """Base of the errors raised by a vector index."""


class IndexLockedError(VectorIndexError):
    """Raised when an embedded index is held by another process, from ``EdgeIndex``."""


class IndexDimensionError(VectorIndexError, ValueError):
    """Raised when vectors do not have the collection's dimension, from any backend."""


def point_id(*key: str) -> str:
    """A stable UUID string for a point key, e.g. ``point_id("boamp:26-7298", "lot-1", "3")``."""
    return str(uuid.uuid5(_NAMESPACE, "\x1f".join(key)))


def check_collection(name: str) -> str:
    """``name`` if it is a valid collection name (also a directory name), else ValueError."""
    if not _COLLECTION_NAME.match(name):
        raise ValueError(f"Invalid collection name {name!r}: use [a-z][a-z0-9_]*")
    return name


def canonical_id(value: str) -> str:
    """The canonical form of a UUID point id; ValueError for anything else."""
    try:
        return str(uuid.UUID(value))
    except (ValueError, AttributeError, TypeError):
        raise ValueError(f"Point id {value!r} is not a UUID: derive ids with point_id()") from None


def as_vector(vector: Vector, dimension: int) -> list[float]:
    """``vector`` as a list of floats, after checking its dimension."""
    array = np.asarray(vector, dtype=np.float32)
    if array.ndim != 1 or array.shape[0] != dimension:
        raise IndexDimensionError(
            f"Expected a vector of {dimension} floats, got shape {array.shape}"
        )
    values: list[float] = array.tolist()
    return values


@dataclass(frozen=True, slots=True)
class IndexedPoint:
    """One vector with its payload; ``vector`` is empty when a scroll left vectors out."""

    id: str
    vector: npt.NDArray[np.float32]
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result: cosine similarity ``score`` in [-1, 1], best first."""

    id: str
    score: float
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchFilter:
    """Hard filters, all ANDed; ``None`` means no constraint, ``[]`` matches nothing.

    ``open_at`` keeps points still open at that (timezone-aware) instant:
    ``status == "open"`` and (``deadline_ts >= open_at`` or the deadline is unknown).
    The list fields match any of their values (``places`` any-of against the point's list).
    """

    open_at: datetime | None = None
    statuses: list[str] | None = None
    places: list[str] | None = None
    natures: list[str] | None = None
    sources: list[str] | None = None
    notice_ids: list[str] | None = None
    member_ids: list[str] | None = None
    codes: list[str] | None = None

    def any_of(self) -> list[tuple[str, list[str]]]:
        """The any-of constraints as ``(payload field, values)`` pairs."""
        pairs = [
            ("status", self.statuses),
            ("places", self.places),
            ("nature", self.natures),
            ("source", self.sources),
            ("notice_id", self.notice_ids),
            ("member_id", self.member_ids),
            ("code", self.codes),
        ]
        return [(key, list(values)) for key, values in pairs if values is not None]

    def open_since(self) -> float | None:
        """``open_at`` as epoch seconds; a naive datetime is refused (its zone is a guess)."""
        if self.open_at is None:
            return None
        if self.open_at.tzinfo is None or self.open_at.utcoffset() is None:
            raise ValueError("SearchFilter.open_at must be timezone-aware")
        return self.open_at.timestamp()

    def matches_nothing(self) -> bool:
        """True when an empty any-of list makes the filter unsatisfiable."""
        return any(not values for _, values in self.any_of())


class VectorIndex(Protocol):
    """A set of named collections of unit vectors with payloads, searched by cosine."""

    dimension: int

    def upsert(self, collection: str, points: Sequence[IndexedPoint]) -> None:
        """Insert or replace points by id; the collection is created on first use."""
        ...

    def delete_where(self, collection: str, field: str, values: Sequence[str]) -> None:
        """Delete every point whose payload ``field`` is any of ``values``."""
        ...

    def drop(self, collection: str) -> None:
        """Delete the collection, points and storage settings (a rebuild starts with it).

        The next write creates it again with this version's settings: a collection
        built with another embedder (another dimension) or stored in another vector
        format becomes usable again.
        """
        ...

    def search(
        self, collection: str, vector: Vector, *, limit: int, filter: SearchFilter | None = None
    ) -> list[Hit]:
        """The ``limit`` nearest points passing ``filter``, best first, with payloads."""
        ...

    def search_batch(
        self,
        collection: str,
        vectors: Sequence[Vector] | npt.NDArray[np.float32],
        *,
        limit: int,
        filter: SearchFilter | None = None,
        fields: Sequence[str] | None = None,
    ) -> list[list[Hit]]:
        """``search`` for each vector, run as one batch, results in input order.

        ``fields``: the payload keys the hits carry (default all). Candidate searches
        need only ``notice_id``; the whole payload (a passage's text among it) cost a
        third of the search's time at 600 hits.
        """
        ...

    def count(self, collection: str) -> int:
        """Number of points in the collection (0 if it does not exist yet)."""
        ...

    def scroll(
        self, collection: str, *, filter: SearchFilter | None = None, with_vectors: bool = False
    ) -> Iterator[IndexedPoint]:
        """Every point passing ``filter``, in id order, vectors included on request."""
        ...

    def close(self) -> None:
        """Release the index (flushes an embedded index and frees its lock); idempotent."""
        ...
