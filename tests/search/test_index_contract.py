"""The vector index contract, run against both backends (embedded edge and qdrant-client)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import qdrant_client
import qdrant_edge
from qdrant_client import QdrantClient

from app.core.config import Settings
from app.search.index import (
    EXPERTISE,
    LABEL,
    REQUIREMENT,
    EdgeIndex,
    IndexDimensionError,
    IndexedPoint,
    IndexLockedError,
    QdrantServerIndex,
    SearchFilter,
    VectorIndex,
    VectorIndexError,
    open_index,
    point_id,
)

DIM = 4
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
REPO = Path(__file__).resolve().parents[2]


def _vector(*values: float) -> np.ndarray:
    return np.asarray(values, dtype=np.float32)


def _requirement(key: str, vector: np.ndarray, **payload: Any) -> IndexedPoint:
    base: dict[str, Any] = {
        "notice_id": f"boamp:{key}",
        "lot": None,
        "kind": "title",
        "text": f"requirement {key}",
        "deadline_ts": (NOW + timedelta(days=10)).timestamp(),
        "status": "open",
        "places": ["75"],
        "nature": "services",
        "source": "boamp",
    }
    return IndexedPoint(id=point_id(key), vector=vector, payload=base | payload)


# Five requirements at decreasing similarity to the query (1, 0, 0, 0).
QUERY = _vector(1, 0, 0, 0)
POINTS = [
    _requirement("a", _vector(1, 0, 0, 0)),
    _requirement("b", _vector(0.9, 0.1, 0, 0), deadline_ts=None, places=["92", "93"]),
    _requirement("c", _vector(0.7, 0.3, 0, 0), deadline_ts=(NOW - timedelta(days=1)).timestamp()),
    _requirement("d", _vector(0.5, 0.5, 0, 0), status="closed", nature="works", source="ted"),
    _requirement("e", _vector(0.2, 0.8, 0, 0), places=["13"], nature="supplies"),
]


@pytest.fixture(params=["edge", "server"])
def index(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[VectorIndex]:
    if request.param == "edge":
        backend: VectorIndex = EdgeIndex(tmp_path / "index", DIM)
    else:
        backend = QdrantServerIndex(QdrantClient(":memory:"), DIM)
    yield backend
    backend.close()


def _reopen(index: VectorIndex, dimension: int) -> VectorIndex:
    """The storage of ``index`` opened again, for vectors of ``dimension``."""
    if isinstance(index, EdgeIndex):
        index.close()  # one owner at a time
        return EdgeIndex(index.path, dimension)
    assert isinstance(index, QdrantServerIndex)
    return QdrantServerIndex(index.client, dimension)


@pytest.fixture
def loaded(index: VectorIndex) -> VectorIndex:
    index.upsert(REQUIREMENT, POINTS)
    return index


def _keys(hits: list[Any]) -> list[str]:
    return [hit.payload["notice_id"].removeprefix("boamp:") for hit in hits]


def test_search_orders_by_cosine(loaded: VectorIndex) -> None:
    hits = loaded.search(REQUIREMENT, QUERY, limit=3)
    assert _keys(hits) == ["a", "b", "c"]
    assert hits[0].id == point_id("a")
    assert hits[0].score == pytest.approx(1.0, abs=1e-5)
    assert hits[0].score > hits[1].score > hits[2].score
    assert hits[1].payload["places"] == ["92", "93"]
    assert hits[1].payload["deadline_ts"] is None


def test_search_batch_keeps_input_order(loaded: VectorIndex) -> None:
    results = loaded.search_batch(REQUIREMENT, np.stack([QUERY, _vector(0, 1, 0, 0)]), limit=1)
    assert [_keys(hits) for hits in results] == [["a"], ["e"]]
    assert loaded.search_batch(REQUIREMENT, [], limit=1) == []


def test_search_batch_returns_only_the_payload_fields_asked(loaded: VectorIndex) -> None:
    (hits,) = loaded.search_batch(REQUIREMENT, [QUERY], limit=3, fields=["notice_id"])
    assert _keys(hits) == ["a", "b", "c"]
    assert all(set(hit.payload) == {"notice_id"} for hit in hits)


@pytest.mark.parametrize(
    ("search_filter", "expected"),
    [
        (SearchFilter(open_at=NOW), ["a", "b", "e"]),
        (SearchFilter(open_at=NOW - timedelta(days=2)), ["a", "b", "c", "e"]),
        (SearchFilter(statuses=["closed"]), ["d"]),
        (SearchFilter(places=["93", "13"]), ["b", "e"]),
        (SearchFilter(natures=["works", "supplies"]), ["d", "e"]),
        (SearchFilter(sources=["ted"]), ["d"]),
        (SearchFilter(notice_ids=["boamp:c", "boamp:e"]), ["c", "e"]),
        (SearchFilter(open_at=NOW, places=["75"], natures=["services"]), ["a"]),
        (SearchFilter(places=[]), []),
        (SearchFilter(), ["a", "b", "c", "d", "e"]),
    ],
)
def test_search_filters(
    loaded: VectorIndex, search_filter: SearchFilter, expected: list[str]
) -> None:
    assert _keys(loaded.search(REQUIREMENT, QUERY, limit=10, filter=search_filter)) == expected


def test_search_open_filter_missing_deadline_is_open(index: VectorIndex) -> None:
    point = _requirement("f", QUERY)
    payload = {k: v for k, v in point.payload.items() if k != "deadline_ts"}
    index.upsert(REQUIREMENT, [IndexedPoint(point.id, point.vector, payload)])
    assert _keys(index.search(REQUIREMENT, QUERY, limit=5, filter=SearchFilter(open_at=NOW))) == [
        "f"
    ]


def test_search_filter_refuses_naive_datetime(loaded: VectorIndex) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        loaded.search(
            REQUIREMENT, QUERY, limit=1, filter=SearchFilter(open_at=datetime(2026, 1, 1))
        )


def test_search_member_ids_in_expertise(index: VectorIndex) -> None:
    units = [
        IndexedPoint(point_id(m, "0"), v, {"member_id": m, "kind": "statement", "text": m})
        for m, v in [("alice", QUERY), ("bob", _vector(0, 1, 0, 0))]
    ]
    index.upsert(EXPERTISE, units)
    hits = index.search(EXPERTISE, QUERY, limit=5, filter=SearchFilter(member_ids=["bob"]))
    assert [hit.payload["member_id"] for hit in hits] == ["bob"]
    assert index.count(EXPERTISE) == 2


def test_scroll_labels_by_code(index: VectorIndex) -> None:
    labels = [
        IndexedPoint(point_id(code, lang), v, {"code": code, "language": lang, "text": text})
        for code, lang, text, v in [
            ("79411000", "fr", "Conseil en gestion", QUERY),
            ("79411000", "en", "General management consultancy", _vector(0, 1, 0, 0)),
            ("45233140", "fr", "Travaux routiers", _vector(0, 0, 1, 0)),
        ]
    ]
    index.upsert(LABEL, labels)
    found = list(index.scroll(LABEL, filter=SearchFilter(codes=["79411000"]), with_vectors=True))
    assert sorted(p.payload["language"] for p in found) == ["en", "fr"]
    by_language = {p.payload["language"]: p.vector for p in found}
    np.testing.assert_allclose(by_language["fr"], QUERY, atol=1e-6)
    assert list(index.scroll(LABEL, filter=SearchFilter(codes=[]))) == []


def test_delete_where_removes_a_notice(loaded: VectorIndex) -> None:
    loaded.delete_where(REQUIREMENT, "notice_id", ["boamp:a", "boamp:d"])
    loaded.delete_where(REQUIREMENT, "notice_id", [])
    assert loaded.count(REQUIREMENT) == 3
    assert _keys(loaded.search(REQUIREMENT, QUERY, limit=10)) == ["b", "c", "e"]


def test_upsert_same_id_replaces(loaded: VectorIndex) -> None:
    moved = _vector(0, 0, 0, 1)  # no other point points there: no tie at the top
    loaded.upsert(REQUIREMENT, [_requirement("e", moved, text="updated")])
    assert loaded.count(REQUIREMENT) == len(POINTS)
    top = loaded.search(REQUIREMENT, moved, limit=1)[0]
    assert top.id == point_id("e")
    assert top.payload["text"] == "updated"


def test_upsert_refuses_bad_points(index: VectorIndex) -> None:
    with pytest.raises(IndexDimensionError):
        index.upsert(REQUIREMENT, [IndexedPoint(point_id("x"), _vector(1, 0, 0), {})])
    with pytest.raises(ValueError, match="not a UUID"):
        index.upsert(REQUIREMENT, [IndexedPoint("boamp:x", QUERY, {})])
    with pytest.raises(IndexDimensionError):
        index.search(REQUIREMENT, _vector(1, 0), limit=1)
    with pytest.raises(ValueError, match="collection name"):
        index.count("../elsewhere")


def test_count_and_search_unknown_collection(index: VectorIndex) -> None:
    assert index.count("unknown") == 0
    assert index.search("unknown", QUERY, limit=3) == []
    assert list(index.scroll("unknown")) == []
    index.delete_where("unknown", "notice_id", ["x"])


def test_scroll_and_drop(loaded: VectorIndex) -> None:
    everything = list(loaded.scroll(REQUIREMENT))
    assert sorted(p.id for p in everything) == sorted(p.id for p in POINTS)
    assert all(p.vector.shape == (0,) for p in everything)
    closed = list(
        loaded.scroll(REQUIREMENT, filter=SearchFilter(statuses=["closed"]), with_vectors=True)
    )
    assert [p.payload["notice_id"] for p in closed] == ["boamp:d"]
    # Stored as float16: a cosine moves by about 1e-4, a component by up to 5e-4.
    np.testing.assert_allclose(closed[0].vector, _vector(0.5, 0.5, 0, 0) / np.sqrt(0.5), atol=1e-3)
    loaded.drop(REQUIREMENT)
    loaded.drop(REQUIREMENT)  # idempotent
    assert loaded.count(REQUIREMENT) == 0
    assert loaded.search(REQUIREMENT, QUERY, limit=3) == []
    loaded.upsert(REQUIREMENT, POINTS[:2])  # created again on write
    assert _keys(loaded.search(REQUIREMENT, QUERY, limit=3)) == ["a", "b"]


def test_drop_lets_another_embedder_rebuild(index: VectorIndex) -> None:
    index.upsert(REQUIREMENT, POINTS)
    wider = _reopen(index, DIM + 1)
    wider.drop(REQUIREMENT)
    wider.upsert(REQUIREMENT, [_requirement("z", _vector(1, 0, 0, 0, 0))])
    assert _keys(wider.search(REQUIREMENT, _vector(1, 0, 0, 0, 0), limit=3)) == ["z"]
    wider.close()


def test_edge_index_persists_across_reopen(tmp_path: Path) -> None:
    with EdgeIndex(tmp_path, DIM) as index:
        index.upsert(REQUIREMENT, POINTS)
        index.delete_where(REQUIREMENT, "notice_id", ["boamp:a"])
    with EdgeIndex(tmp_path, DIM) as index:
        assert index.count(REQUIREMENT) == len(POINTS) - 1
        assert _keys(index.search(REQUIREMENT, QUERY, limit=1)) == ["b"]


def test_edge_index_empties_a_collection_stored_with_other_settings(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Derived data: another embedder's dimension is emptied at open, the indexer rebuilds."""
    with EdgeIndex(tmp_path, DIM) as index:
        index.upsert(REQUIREMENT, POINTS)
    with EdgeIndex(tmp_path, DIM + 1) as wider:
        assert wider.count(REQUIREMENT) == 0
        wider.upsert(REQUIREMENT, [_requirement("z", _vector(1, 0, 0, 0, 0))])
        assert wider.count(REQUIREMENT) == 1
    assert "stored with other settings" in caplog.text


def test_edge_index_empties_a_float32_collection_of_an_earlier_version(tmp_path: Path) -> None:
    params = qdrant_edge.EdgeVectorParams(size=DIM, distance=qdrant_edge.Distance.Cosine)
    old = qdrant_edge.EdgeShard.create(
        str(tmp_path / REQUIREMENT), qdrant_edge.EdgeConfig(vectors=params)
    )
    old.update(
        qdrant_edge.UpdateOperation.upsert_points(
            [qdrant_edge.Point(point_id("a"), [1.0, 0, 0, 0], {})]
        )
    )
    old.flush()
    old.close()
    with EdgeIndex(tmp_path, DIM) as index:
        assert index.count(REQUIREMENT) == 0
        index.upsert(REQUIREMENT, POINTS)
        assert _keys(index.search(REQUIREMENT, QUERY, limit=1)) == ["a"]


def test_server_index_refuses_another_dimension_until_dropped() -> None:
    """A shared server is not emptied behind its operator's back: ``index rebuild`` drops."""
    client = QdrantClient(":memory:")
    QdrantServerIndex(client, DIM).upsert(REQUIREMENT, POINTS)
    wider = QdrantServerIndex(client, DIM + 1)
    with pytest.raises(IndexDimensionError, match="rebuild"):
        wider.count(REQUIREMENT)
    wider.drop(REQUIREMENT)
    assert wider.count(REQUIREMENT) == 0


def test_edge_index_closed_refuses_use(tmp_path: Path) -> None:
    index = EdgeIndex(tmp_path, DIM)
    index.close()
    index.close()
    with pytest.raises(VectorIndexError, match="closed"):
        index.count(REQUIREMENT)


def test_edge_index_locked_by_another_process(tmp_path: Path) -> None:
    holder = (
        "import sys; from pathlib import Path; from app.search.index import EdgeIndex; "
        f"index = EdgeIndex(Path({str(tmp_path)!r}), {DIM}); print('ready', flush=True); "
        "sys.stdin.read(); index.close()"
    )
    with subprocess.Popen(
        [sys.executable, "-c", holder],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as process:
        assert process.stdout is not None and process.stdin is not None
        try:
            assert process.stdout.readline().strip() == "ready"
            with pytest.raises(IndexLockedError, match="another process"):
                EdgeIndex(tmp_path, DIM)
        finally:
            process.stdin.close()
            process.wait(timeout=60)
    assert process.returncode == 0
    with EdgeIndex(tmp_path, DIM) as index:  # the lock went with its owner
        assert index.count(REQUIREMENT) == 0


def test_edge_index_locked_within_process(tmp_path: Path) -> None:
    with EdgeIndex(tmp_path, DIM), pytest.raises(IndexLockedError):
        EdgeIndex(tmp_path, DIM)


def test_open_index_by_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    embedded = open_index(Settings(data_dir=tmp_path, qdrant_url=None), DIM)
    assert isinstance(embedded, EdgeIndex)
    assert embedded.path == tmp_path / "index"
    embedded.close()

    # No server here: capture the client's arguments and hand back a local-mode client.
    seen: dict[str, Any] = {}

    def fake_client(**kwargs: Any) -> QdrantClient:
        seen.update(kwargs)
        return QdrantClient(":memory:")

    monkeypatch.setattr(qdrant_client, "QdrantClient", fake_client)
    settings = Settings(
        data_dir=tmp_path, qdrant_url="https://qdrant.example:6333", qdrant_api_key="s3cret"
    )
    server = open_index(settings, DIM)
    assert isinstance(server, QdrantServerIndex)
    assert seen == {"url": "https://qdrant.example:6333", "api_key": "s3cret"}
    server.close()
