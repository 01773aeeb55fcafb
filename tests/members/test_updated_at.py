"""``updated_at`` of a member means "the profile changed": indexing the member does not move it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime

import pytest

from app.core.db import transaction
from app.members.importer import import_members
from app.members.service import update_member
from app.search.edge_index import EdgeIndex
from app.search.embedder import HashingEmbedder
from app.search.indexer import Indexer
from app.wiring.context import AppContext
from models.member import MemberUpdate
from models.schema import MemberRow
from tests.utils.data import DEVSET


@pytest.fixture
def index(context: AppContext) -> Iterator[EdgeIndex]:
    edge = EdgeIndex(context.settings.index_dir, HashingEmbedder().dimension)
    yield edge
    edge.close()


def _stamps(context: AppContext) -> dict[str, tuple[datetime, str | None]]:
    with context.sessions() as session:
        rows = session.query(MemberRow).all()
        return {row.id: (row.updated_at, row.indexed_hash) for row in rows}


def test_indexing_leaves_updated_at_alone(context: AppContext, index: EdgeIndex) -> None:
    assert import_members(sessions=context.sessions, path=DEVSET / "members.yaml").ok
    before = _stamps(context)
    time.sleep(0.01)  # a write now would give a later stamp
    report = Indexer(context.sessions, index, HashingEmbedder()).sync()
    after = _stamps(context)
    assert report.members == len(before) > 0
    assert all(hashed is not None for _, hashed in after.values())
    assert {key: stamp for key, (stamp, _) in after.items()} == {
        key: stamp for key, (stamp, _) in before.items()
    }


def test_profile_change_moves_updated_at(context: AppContext) -> None:
    assert import_members(sessions=context.sessions, path=DEVSET / "members.yaml").ok
    member_id, (stamp, _) = sorted(_stamps(context).items())[0]
    time.sleep(0.01)
    with transaction(context.sessions) as session:
        update_member(session=session, member_id=member_id, update=MemberUpdate(day_rate_eur=611))
    assert _stamps(context)[member_id][0] > stamp
