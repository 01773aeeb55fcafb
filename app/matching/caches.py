"""What the matching engine keeps between requests, every store bounded and thread-safe.

Requests run on the API server's worker threads; each cache is a ``cachetools``
LRU behind one lock (``cachetools`` caches are not thread-safe on their own). A
vector is a function of its text, so a vector entry never goes stale; entries that
depend on the store (parsed notices, member contexts) are cleared when the catalog
changes.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Generic, TypeVar

import numpy as np
import numpy.typing as npt
from cachetools import LRUCache

from app.search.embedder import Embedder
from app.search.units import RequirementPassage

K = TypeVar("K")
V = TypeVar("V")

VECTOR_CACHE_SIZE = 30_000
"""Passage vectors kept between requests (about 1 KiB each for 512 float16 dimensions)."""
LABEL_CACHE_SIZE = 20_000
"""CPV label vectors kept: more than the two labels (French, English) of each of 9,454 codes."""
NOTICE_CACHE_SIZE = 10_000
"""Notices kept parsed and split into passages between requests (a few KiB each)."""
CONTEXT_CACHE_SIZE = 2_000
"""Member contexts kept per catalog version: every member, and recent free-text queries."""
MEMBER_CACHE_SIZE = 5_000
"""Members kept with their embedded expertise units (a few KiB each)."""


class BoundedCache(Generic[K, V]):
    """A thread-safe mapping that drops its least recently used entries beyond ``capacity``."""

    def __init__(self, capacity: int) -> None:
        self._entries: LRUCache[K, V] = LRUCache(maxsize=capacity)
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        """The entry for ``key``, if kept (it becomes the most recently used)."""
        with self._lock:
            return self._entries.get(key)

    def put(self, key: K, value: V) -> None:
        """Keep an entry, dropping the least recently used ones beyond capacity."""
        with self._lock:
            self._entries[key] = value

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)


class PassageVectors:
    """Passage vectors read back from the index, kept for the next requests.

    Reading one back through qdrant-edge's Python binding costs some 35 µs (a list of
    512 floats), and a member's candidates hold about a thousand passages. CPV label
    passages (two thirds of a notice's passages) are shared by every notice with the
    code, so their vectors are kept by text, in a plain dict: the labels are a closed
    list (two per code of the CPV 2008 list, under ``labels``), and a dict lookup costs
    a tenth of an LRU's, which counts at a thousand lookups a request. Other passages
    are kept per notice and text in a bounded LRU. Vectors are kept as float16, the
    precision the index stores them in: half the memory for the same values.
    """

    def __init__(self, capacity: int = VECTOR_CACHE_SIZE, labels: int = LABEL_CACHE_SIZE) -> None:
        self._labels: dict[str, np.ndarray] = {}
        self._label_capacity = labels
        self._passages: BoundedCache[tuple[str, str], np.ndarray] = BoundedCache(capacity)

    def get(self, passage: RequirementPassage, text: str) -> np.ndarray | None:
        """The vector of a passage (``text`` as embedded), if kept."""
        if passage.code is not None:
            return self._labels.get(text)
        return self._passages.get((passage.notice_id, text))

    def put_label(self, text: str, vector: np.ndarray) -> None:
        """Keep the vector of a CPV label (``text`` as embedded), up to ``labels`` of them."""
        if len(self._labels) < self._label_capacity:
            self._labels[text] = np.asarray(vector, dtype=np.float16)

    def put_passage(self, notice_id: str, text: str, vector: np.ndarray) -> None:
        """Keep the vector of a passage of a notice (``text`` as embedded)."""
        self._passages.put((notice_id, text), np.asarray(vector, dtype=np.float16))


class KnownVectors:
    """An :class:`Embedder` that answers from vectors read back from the index.

    Only a text it was not given is embedded (a label the index lost).
    """

    def __init__(self, known: dict[str, np.ndarray], embedder: Embedder) -> None:
        self._known = known
        self._embedder = embedder
        self.name = embedder.name
        self.dimension = embedder.dimension
        self.max_tokens = embedder.max_tokens
        self.max_chars = embedder.max_chars

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Rows for ``texts``, embedding only the unknown ones."""
        missing = [t for t in dict.fromkeys(texts) if t not in self._known]
        if missing:
            self._known.update(zip(missing, self._embedder.encode(missing), strict=True))
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        # One conversion of the list (float16 rows kept, float32 rows read back): np.vstack
        # checks every row in Python first, twice the time at the ~4,000 rows of a batch.
        return np.asarray([self._known[t] for t in texts], dtype=np.float32)
