"""The server never runs ``optimize()`` while serving: it builds the graphs before it serves."""

from __future__ import annotations

import pytest

import app.wiring.background as background
from app.search.index import REQUIREMENT
from app.wiring.background import optimize_before_serving, sync_once
from app.wiring.context import AppContext
from ingest.parse.notice_json import parse_notice_json_line
from ingest.store import NoticeStore
from tests.utils.data import devset_lines


def test_serving_sync_defers_the_graphs_to_the_next_start(
    context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    NoticeStore(context.sessions).apply_batch(
        [parse_notice_json_line(line) for line in devset_lines(20)]
    )
    index = context.index
    calls: list[int] = []
    build = index.optimize  # type: ignore[attr-defined]

    def optimize() -> None:
        calls.append(index.unindexed(REQUIREMENT))  # type: ignore[attr-defined]
        build()

    monkeypatch.setattr(index, "optimize", optimize)
    monkeypatch.setattr(background, "OPTIMIZE_AFTER", 1)
    assert sync_once(context, optimize_after=None)  # what the server's loop does
    pending = index.unindexed(REQUIREMENT)  # type: ignore[attr-defined]
    assert calls == [] and pending > 0  # searchable by a full scan meanwhile
    optimize_before_serving(context)  # what the server does when it starts
    assert calls == [pending]
