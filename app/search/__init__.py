"""Semantic search: embedders and the vector index.

- ``app.search.embedder``: the ``Embedder`` protocol and its backends (the multilingual
  Universal Sentence Encoder by default, sentence-transformers for any local model, and a
  hashing embedder for tests), chosen by ``load_embedder(settings.embedder)``.
- ``app.search.index``: the ``VectorIndex`` protocol with its two backends, the embedded
  ``EdgeIndex`` (qdrant-edge, on disk, one owning process) and ``QdrantServerIndex``
  (a Qdrant server or cluster), chosen by ``open_index(settings, dimension)``.

The vector index is derived data: the relational store is the source of truth and the
index can be rebuilt from it at any time.
"""
