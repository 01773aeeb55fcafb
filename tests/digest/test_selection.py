"""The night's notices scored in one batch give each member what their match list gives."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from app.digest.gather import candidates_since
from app.digest.selection import Candidate, DigestMatcher, indexed_encoder
from app.members.service import list_all_members, member_from_row
from app.wiring.context import AppContext
from models.member import Member
from tests.digest.scenario import build_store, now_utc


def _stored(
    context: AppContext, tmp_path: Path, *, days: int
) -> tuple[datetime, list[Candidate], list[Member]]:
    """The scenario's store: now, the candidates of the last ``days``, every member."""
    now = now_utc()
    build_store(context, tmp_path, now=now)
    with context.sessions() as session:
        candidates = candidates_since(session, now - timedelta(days=days), now)
        members = [member_from_row(row) for row in list_all_members(session=session)]
    return now, candidates, members


@pytest.mark.parametrize("per_lot", [False, True])
def test_a_new_notice_scores_what_the_members_match_list_gives_it(
    context: AppContext, tmp_path: Path, per_lot: bool
) -> None:
    now, candidates, members = _stored(context, tmp_path, days=1)
    engine = context.matching
    notices = [c.notice for c in candidates]
    matcher = DigestMatcher(
        engine, candidates, indexed_encoder(context.index, context.embedder, notices)
    )
    compared = 0
    for member in members:
        listed = {
            (m.notice_id, m.lot): m.score
            for m in engine.match_member(member, now=now, limit=len(candidates))
        }
        low = min(listed.values()) if listed else 0.0
        told = matcher.matches(member, now=now, threshold=low, per_lot=per_lot)
        assert [m.score for m in told] == sorted((m.score for m in told), reverse=True)
        scored = {(m.notice_id, m.lot): m.score for m in told}
        if not per_lot:  # one match per notice, its best target: the list's
            assert len(scored) == len({notice_id for notice_id, _ in scored})
        for target, score in listed.items():
            assert scored.get(target) == pytest.approx(score, abs=1e-6), (member.id, target)
            compared += 1
    assert compared > 100  # the members' lists overlap the night's notices for real


def test_each_member_is_scored_over_the_notices_stored_since_their_last_digest(
    context: AppContext, tmp_path: Path
) -> None:
    now, candidates, members = _stored(context, tmp_path, days=7)
    # Half the candidates stored a day earlier than the others: two windows.
    cut = len(candidates) // 2
    earlier = [replace(c, stored_at=c.stored_at - timedelta(days=1)) for c in candidates[:cut]]
    dated = [*earlier, *candidates[cut:]]
    since = min(c.stored_at for c in candidates[cut:]) - timedelta(seconds=1)
    notices = [c.notice for c in dated]
    encoder = indexed_encoder(context.index, context.embedder, notices)
    matcher = DigestMatcher(context.matching, dated, encoder)
    recent = {c.notice.id for c in candidates[cut:]}
    told_recent = told_all = 0
    for member in members:
        low = -10.0
        every = matcher.matches(member, now=now, threshold=low)
        window = matcher.matches(member, now=now, threshold=low, since=since)
        assert {m.notice_id for m in window} <= recent
        # The same notices and scores as the whole set's, the earlier ones left out. Equal
        # up to float32 rounding: BLAS sums a product in an order that depends on the
        # matrices' shapes (on some CPUs the last bit differs between the two batches).
        expected = {m.notice_id: m.score for m in every if m.notice_id in recent}
        assert {m.notice_id for m in window} == expected.keys()
        for m in window:
            assert m.score == pytest.approx(expected[m.notice_id], abs=1e-6), m.notice_id
        assert [m.score for m in window] == sorted((m.score for m in window), reverse=True)
        told_recent += len(window)
        told_all += len(every)
    assert 0 < told_recent < told_all
