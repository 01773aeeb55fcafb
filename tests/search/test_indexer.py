"""The indexer keeps the vector index in step with the store, incrementally."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from app.members.importer import import_members
from app.members.service import delete_member
from app.search.embedder import HashingEmbedder
from app.search.index import EXPERTISE, LABEL, REQUIREMENT, EdgeIndex, SearchFilter
from app.search.indexer import Indexer
from app.search.units import notice_passages
from app.wiring.context import AppContext
from ingest.parse.notice_json import parse_notice_json_line
from ingest.store import NoticeStore
from models.notice import Notice
from models.schema import NoticeRow
from tests.utils.data import DEVSET, devset_lines


@pytest.fixture
def index(context: AppContext) -> Iterator[EdgeIndex]:
    edge = EdgeIndex(context.settings.index_dir, HashingEmbedder().dimension)
    yield edge
    edge.close()


def _indexer(context: AppContext, index: EdgeIndex) -> Indexer:
    return Indexer(context.sessions, index, HashingEmbedder())


def test_sync_indexes_every_passage_once(context: AppContext, index: EdgeIndex) -> None:
    store = NoticeStore(context.sessions)
    lines = devset_lines(20)
    for line in lines:
        store.apply(parse_notice_json_line(line))
    indexer = _indexer(context, index)
    report = indexer.sync()
    passages = [p for line in lines for p in notice_passages(parse_notice_json_line(line).notice)]
    written = [p for p in passages if p.kind != "cpv"]
    labels = {(p.code, p.language) for p in passages if p.kind == "cpv"}
    assert len(labels) < len(passages) - len(written)  # notices share codes
    assert (report.notices, report.points) == (20, len(written) + len(labels))
    assert index.count(REQUIREMENT) == len(written)
    stored = {(p.payload["code"], p.payload["language"]) for p in index.scroll(LABEL)}
    assert stored == labels  # each label once, whichever notices carry its code
    assert indexer.sync().notices == 0  # nothing pending any more


def test_labels_are_written_once_across_syncs(context: AppContext, index: EdgeIndex) -> None:
    store = NoticeStore(context.sessions)
    lines = devset_lines(6)
    for line in lines[:3]:
        store.apply(parse_notice_json_line(line))
    _indexer(context, index).sync()
    before = {p.id for p in index.scroll(LABEL)}
    for line in lines[3:]:
        store.apply(parse_notice_json_line(line))
    report = _indexer(context, index).sync()  # a new process learns what is there
    after = {p.id for p in index.scroll(LABEL)}
    requirement = sum(
        p.kind != "cpv"
        for line in lines[3:]
        for p in notice_passages(parse_notice_json_line(line).notice)
    )
    assert before <= after
    assert report.points == requirement + len(after - before)


def test_sync_reindexes_only_changed_notices(context: AppContext, index: EdgeIndex) -> None:
    store = NoticeStore(context.sessions)
    lines = devset_lines(5)
    for line in lines:
        store.apply(parse_notice_json_line(line))
    indexer = _indexer(context, index)
    indexer.sync()
    changed = json.loads(lines[0])
    changed["description"] = "Animation de réunions publiques. Concertation avec les habitants."
    store.apply(parse_notice_json_line(json.dumps(changed)))
    report = indexer.sync()
    assert report.notices == 1
    hits = index.search(
        REQUIREMENT,
        HashingEmbedder().encode(["Concertation avec les habitants."])[0],
        limit=3,
        filter=SearchFilter(notice_ids=[changed["id"]]),
    )
    assert any("Concertation" in str(hit.payload["text"]) for hit in hits)
    assert len({hit.payload["notice_id"] for hit in hits}) == 1


def test_award_notices_get_no_points(context: AppContext, index: EdgeIndex) -> None:
    data = dict(json.loads(devset_lines(1)[0]), status="awarded")
    NoticeStore(context.sessions).apply(parse_notice_json_line(json.dumps(data)))
    _indexer(context, index).sync()
    assert index.count(REQUIREMENT) == 0
    with context.sessions() as session:
        row = session.scalars(select(NoticeRow)).one()
        assert row.indexed_hash == row.content_hash  # handled, not pending


def test_members_indexed_and_pruned(context: AppContext, index: EdgeIndex) -> None:
    report = import_members(sessions=context.sessions, path=DEVSET / "members.yaml")
    assert not report.errors
    indexer = _indexer(context, index)
    assert indexer.sync().members == 12
    before = index.count(EXPERTISE)
    assert before > 12
    with context.sessions() as session, session.begin():
        delete_member(session=session, member_id="m-web")
    indexer.sync()
    remaining = {p.payload["member_id"] for p in index.scroll(EXPERTISE)}
    assert "m-web" not in remaining and len(remaining) == 11


def test_reset_then_sync_rebuilds(context: AppContext, index: EdgeIndex) -> None:
    store = NoticeStore(context.sessions)
    for line in devset_lines(3):
        store.apply(parse_notice_json_line(line))
    indexer = _indexer(context, index)
    first = indexer.sync().points
    indexer.reset()
    assert index.count(REQUIREMENT) == index.count(LABEL) == 0
    assert indexer.sync().points == first
    notice = Notice.model_validate(json.loads(devset_lines(1)[0]))
    assert notice.id  # the devset line is a valid notice


def test_sync_builds_the_graphs_after_a_bulk_load(
    context: AppContext, index: EdgeIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = NoticeStore(context.sessions)
    for line in devset_lines(20):
        store.apply(parse_notice_json_line(line))
    optimized: list[int] = []
    build = index.optimize

    def optimize() -> None:
        optimized.append(index.unindexed(REQUIREMENT))
        build()

    monkeypatch.setattr(index, "optimize", optimize)
    quiet = Indexer(context.sessions, index, HashingEmbedder(), optimize_after=None)
    assert not quiet.sync().optimized and optimized == []
    assert index.unindexed(REQUIREMENT) == index.count(REQUIREMENT) > 0  # scanned in full
    store.apply(parse_notice_json_line(devset_lines(21)[-1]))
    report = Indexer(context.sessions, index, HashingEmbedder(), optimize_after=1).sync()
    assert report.optimized and optimized == [index.count(REQUIREMENT)]


def test_sync_rebuilds_an_index_that_lost_its_points(
    context: AppContext, index: EdgeIndex, caplog: pytest.LogCaptureFixture
) -> None:
    """A deleted or emptied index folder is rebuilt from the store, the source of truth."""
    store = NoticeStore(context.sessions)
    for line in devset_lines(3):
        store.apply(parse_notice_json_line(line))
    import_members(sessions=context.sessions, path=DEVSET / "members.yaml")
    first = _indexer(context, index).sync()
    for collection in (REQUIREMENT, LABEL, EXPERTISE):
        index.drop(collection)
    again = _indexer(context, index).sync()
    assert (again.notices, again.members, again.points) == (3, 12, first.points)
    assert "lost its points" in caplog.text
    assert _indexer(context, index).sync().notices == 0  # and only once
